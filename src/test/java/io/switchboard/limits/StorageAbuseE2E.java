package io.switchboard.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ApiCredentials;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.RedisServer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against a node backed by Redis, as deployed: names chosen to reach other users' keys,
 * a storage flood, idempotency keys reused across backends, IPv6 address rotation, and Redis data a
 * request cannot use. Each time the victim and everyone else keep being served, and every refusal is a
 * precise error. (The frame fuzz and the per-connection limits are in {@link HostileClientsE2E}; a token
 * in a failing upstream request through nginx in {@code NginxHardeningE2E}.)
 */
class StorageAbuseE2E {
    private static final Path WORK = Path.of("target", "e2e-storage-abuse");
    private static final int INBOX_MAX_ENTRIES = 5;
    private static final int COPIES_PER_SECOND = 20;
    private static final int COPIES_BURST = 40;
    private static final String OTHER_BACKEND_KEY = "another-backend-key";
    private static RedisServer redis;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(WORK.resolve("redis"), false, "abuse-" + UUID.randomUUID(), null);
        redis.command("CONFIG SET maxmemory-policy allkeys-lru"); // what the node must warn about
        node = GatewayNode.startOn(redis, WORK.resolve("node"), "abuse-node", Map.of(
                "SWITCHBOARD_INBOX_MAX_ENTRIES", String.valueOf(INBOX_MAX_ENTRIES),
                "SWITCHBOARD_LIMITS_STORED_COPIES_PER_SECOND", String.valueOf(COPIES_PER_SECOND),
                "SWITCHBOARD_LIMITS_STORED_COPIES_BURST", String.valueOf(COPIES_BURST),
                "SWITCHBOARD_LIMITS_CLIENT_IP_HEADER", "X-Real-IP",
                "SWITCHBOARD_LIMITS_HANDSHAKES_PER_SECOND_PER_IP", "5",
                "SWITCHBOARD_LIMITS_HANDSHAKES_BURST_PER_IP", "20",
                "SWITCHBOARD_API_KEY_SHA256", HexFormat.of().formatHex(ApiCredentials.sha256(OTHER_BACKEND_KEY))));
        Eventually.within(Duration.ofSeconds(30), "relay up", () -> ready() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static int ready() {
        return node.api().get("health/ready").status();
    }

    private static WsClient open(String user, String query) {
        WsClient client = WsClient.connect(node.base(), TestTokens.valid(user), query);
        assertEquals("welcome", client.next().getString("type"));
        return client;
    }

    private static String userKey(String prefix, String user) {
        return prefix + "{" + user.getBytes(StandardCharsets.UTF_8).length + ":" + user + "}";
    }

    @Test
    void warnsAtStartOfARiskySetup() throws Exception {
        assertTrue(node.log().contains("Redis maxmemory-policy is allkeys-lru"), "the eviction policy is reported");
        assertTrue(node.log().contains("mp.jwt.verify.audiences is not set"), "and the unchecked audience");
    }

    @Test
    void aUserNamedAfterAnotherUsersKeysCannotReachThem() throws Exception {
        String victim = unique("victim");
        String impostor = victim + ":trimmed";
        String firstId;
        try (WsClient phone = open(victim, "device=phone")) {
            firstId = null;
            for (int i = 0; i < INBOX_MAX_ENTRIES + 5; i++) { // more than the inbox keeps: it gets a trimmed marker
                ApiClient.Reply pushed = node.api().postJson("api/messages",
                        "{\"from\":\"svc\",\"to\":[\"" + victim + "\"],\"content\":" + i + "}");
                assertEquals(200, pushed.status(), pushed.body());
                String id = phone.next("message").getString("id");
                firstId = firstId == null ? id : firstId;
            }
        }
        try (WsClient attacker = open(impostor, "")) { // a token for a user named after the victim's marker key
            for (String target : List.of(impostor, victim + "}", "{" + victim)) {
                attacker.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + target + "\"],\"content\":\"x\"}");
                assertEquals("ack", attacker.next("ack").getString("type")); // its own copy may come first
            }
            ApiClient.Reply pushed = node.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + impostor + "\"],\"content\":\"via the API\"}");
            assertEquals(200, pushed.status(), pushed.body());
        }
        try (WsClient phone = WsClient.connect(node.base(), TestTokens.valid(victim), "device=phone&since=" + firstId)) {
            JsonObject welcome = phone.next();
            assertEquals("welcome", welcome.getString("type"));
            assertFalse(welcome.getBoolean("recovered"), "the oldest were trimmed, as the marker says: " + welcome);
            List<Integer> replayed = new ArrayList<>();
            while (replayed.isEmpty() || replayed.get(replayed.size() - 1) != 9) {
                JsonObject message = phone.next();
                assertEquals("message", message.getString("type"), "no error: " + message);
                replayed.add(message.getInt("content"));
            }
            assertTrue(replayed.size() >= INBOX_MAX_ENTRIES, "the victim's inbox is whole: " + replayed);
            for (int i = 1; i < replayed.size(); i++) {
                assertEquals(replayed.get(i - 1) + 1, replayed.get(i), "in order, no gap: " + replayed);
            }
        }
        assertEquals(200, ready(), "the node stayed ready");
    }

    @Test
    void redisDataARequestCannotUseFailsThatRequestAloneWithAnInternalError() throws Exception {
        String broken = unique("broken");
        String bystander = unique("bystander");
        try (WsClient brokenClient = open(broken, ""); WsClient bystanderClient = open(bystander, "");
                WsClient sender = open(unique("sender"), "")) {
            redis.command("SET " + userKey("sb:inbox:", broken) + " not-a-stream"); // data gone wrong, e.g. by hand
            sender.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + broken + "\"],\"content\":\"x\"}");
            JsonObject refused = sender.next();
            assertEquals("error", refused.getString("type"), refused.toString());
            assertEquals(500, refused.getInt("code"));
            assertEquals("internal", refused.getString("reason"));
            sender.send("{\"type\":\"message\",\"id\":2,\"to\":[\"" + bystander + "\"],\"content\":\"y\"}");
            assertEquals(1, sender.next("ack").getJsonObject("delivered").getInt(bystander), "everyone else is served");
            assertEquals("y", bystanderClient.next("message").getString("content"));
            ApiClient.Reply api = node.api().postJson("api/messages", "{\"from\":\"svc\",\"to\":[\"" + broken + "\"],\"content\":1}");
            assertEquals(500, api.status(), api.body());
            assertTrue(api.contentType().startsWith("application/problem+json"));
            assertEquals("internal", api.json().getString("code"));
            assertEquals(200, ready(), "a data error is not an outage");
        }
    }

    @Test
    void oneClientCannotFillRedisWithStoredMessages() throws Exception {
        List<String> recipients = new ArrayList<>();
        String flooder = unique("flooder");
        try (WsClient flood = open(flooder, ""); WsClient calm = open(unique("calm"), "")) {
            for (int i = 0; i < 10; i++) {
                String recipient = unique("r" + i);
                open(recipient, "").close(); // known to the gateway (connected once), offline now
                recipients.add(recipient);
            }
            for (String recipient : recipients) {
                // a close reaches the gateway's presence after the client's close() returns: wait until it has,
                // or a message sent at once may still count the closing connection as online
                Eventually.within(Duration.ofSeconds(10), recipient + " offline", () -> node.api()
                        .get("api/users/" + recipient + "/presence", "X-Api-Key", ApiClient.API_KEY).json()
                        .getInt("connections") == 0);
            }
            String to = String.join("\",\"", recipients);
            String content = "\"" + "x".repeat(1000) + "\"";
            long start = System.nanoTime();
            int storedCopies = 0;
            JsonObject refusal = null;
            for (int i = 0; i < 50 && refusal == null; i++) { // one message at a time: request, reply
                flood.send("{\"type\":\"message\",\"id\":" + i + ",\"to\":[\"" + to + "\"],\"content\":" + content + "}");
                JsonObject reply = flood.next();
                if (reply.getString("type").equals("ack")) {
                    assertEquals(10, reply.getJsonArray("offline").size(), reply.toString());
                    storedCopies += 10;
                } else {
                    refusal = reply;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(refusal != null, "the flood was refused");
            assertEquals(429, refusal.getInt("code"), refusal.toString());
            assertEquals("storage-quota", refusal.getString("reason"));
            assertTrue(refusal.getInt("retryAfterMs") > 0, refusal.toString());
            assertTrue(storedCopies <= COPIES_BURST + COPIES_PER_SECOND * seconds + 10,
                    storedCopies + " copies in " + seconds + " s: no more than the quota");

            String strangers = unique("s1") + "\",\"" + unique("s2");
            calm.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + recipients.get(0) + "\",\"" + strangers + "\"],\"content\":1}");
            JsonObject ack = calm.next("ack");
            assertEquals(1, ack.getJsonArray("offline").size(), "another sender is unaffected: " + ack);
            assertEquals(2, ack.getJsonArray("unknown").size(), "ids nobody uses get nothing stored: " + ack);
            for (String stranger : strangers.split("\",\"")) {
                assertEquals(":0", redis.command("EXISTS " + userKey("sb:inbox:", stranger)).strip(), "no inbox for " + stranger);
            }
        }
    }

    @Test
    void idempotencyKeysOfOneBackendNeverMeetAnothers() {
        String bob = unique("bob");
        String key = "order-" + UUID.randomUUID();
        String first = "{\"from\":\"billing\",\"to\":[\"" + bob + "\"],\"content\":\"paid\"}";
        String other = "{\"from\":\"shipping\",\"to\":[\"" + bob + "\"],\"content\":\"shipped\"}";
        ApiClient api = node.api();
        ApiClient.Reply original = api.post("api/messages", "application/json", first, "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
        assertEquals(200, original.status(), original.body());
        ApiClient.Reply otherBackend = api.post("api/messages", "application/json", other, "X-Api-Key", OTHER_BACKEND_KEY,
                "Idempotency-Key", key);
        assertEquals(200, otherBackend.status(), otherBackend.body());
        assertFalse(otherBackend.json().containsKey("duplicate"), "the same key of another backend is its own");
        assertNotEquals(original.json().getString("messageId"), otherBackend.json().getString("messageId"));
        ApiClient.Reply reused = api.post("api/messages", "application/json", other, "X-Api-Key", ApiClient.API_KEY,
                "Idempotency-Key", key);
        assertEquals(409, reused.status(), reused.body());
        assertEquals("idempotency-conflict", reused.json().getString("code"));
        ApiClient.Reply retry = api.post("api/messages", "application/json", first, "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
        assertEquals(200, retry.status());
        assertTrue(retry.json().getBoolean("duplicate"));
        assertEquals(original.json().getString("messageId"), retry.json().getString("messageId"));
    }

    @Test
    void rotatingIpv6AddressesWithinOneNetworkDoesNotEscapeTheHandshakeLimit() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String token = TestTokens.valid(unique("rotator"));
        int limited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            String address = "2001:db8:77:1:" + Integer.toHexString(i) + ":" + Integer.toHexString(i * 7) + "::" + (i + 1);
            if (handshake(http, token, address) == 429) {
                limited++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long allowed = 20 + (long) Math.ceil(5 * seconds); // the /64's bucket: burst 20, 5 per second
        assertTrue(60 - limited <= allowed, "60 handshakes from 60 addresses of one /64 share its bucket: "
                + (60 - limited) + " let through in " + seconds + " s");
        assertNotEquals(429, handshake(http, token, "2001:db8:77:2::1"), "another /64 has its own bucket");
        assertNotEquals(429, handshake(http, token, "192.0.2.10"), "and so has an IPv4 client");
    }

    /** A handshake attempt (a GET of /ws; no upgrade needed to reach the limiter) as if from {@code address}. */
    private static int handshake(HttpClient http, String token, String address) throws Exception {
        URI uri = node.base().resolve("ws?token=" + token);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("X-Real-IP", address).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
