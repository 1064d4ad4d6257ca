package io.switchboard.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stored direct messages on one node (in-memory inbox), through the deployed WAR: offline delivery,
 * resume with {@code since}, device acks, retention, idempotent API retries. The container keeps 20
 * messages per user.
 */
class StoredMessagesIT extends DeployedGatewayIT {
    private static final Duration QUIET = Duration.ofMillis(500);

    private String post(String to, String content, String... headers) {
        ApiClient.Reply reply = headers.length == 0
                ? api().postJson("api/messages", body(to, content))
                : api().post("api/messages", "application/json", body(to, content), headers);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("messageId");
    }

    private static String body(String to, String content) {
        return "{\"from\":\"svc\",\"to\":[\"" + to + "\"],\"content\":\"" + content + "\"}";
    }

    private WsClient connect(String user, String query) {
        return query == null ? WsClient.connect(base(), TestTokens.valid(user))
                : WsClient.connect(base(), TestTokens.valid(user), query);
    }

    private static List<String> contents(WsClient client, int count) {
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            contents.add(client.next("message").getString("content"));
        }
        return contents;
    }

    @Test
    void deliversMessagesThatArrivedWhileOfflineOnConnectInOrderAndOnce() throws Exception {
        String bob = unique("bob");
        JsonObject offlineAck = api().postJson("api/messages", body(bob, "m1")).json();
        assertEquals(List.of(bob), offlineAck.getJsonArray("offline").getValuesAs(jakarta.json.JsonString::getString));
        post(bob, "m2");
        post(bob, "m3");
        try (WsClient phone = connect(bob, null)) {
            JsonObject welcome = phone.next();
            assertEquals("welcome", welcome.getString("type"));
            assertTrue(welcome.getBoolean("recovered"));
            assertEquals(List.of("m1", "m2", "m3"), contents(phone, 3));
            assertNull(phone.pollQuietly(QUIET));
            try (WsClient laptop = connect(bob, null)) {
                assertEquals("welcome", laptop.next().getString("type"));
                assertNull(laptop.pollQuietly(QUIET), "already delivered to the user: not again to a new device");
            }
        }
    }

    @Test
    void resumesAfterSinceWithExactlyTheMissedMessagesThenLiveOnes() throws Exception {
        String bob = unique("bob");
        List<String> ids = new ArrayList<>();
        try (WsClient first = connect(bob, null)) {
            first.next("welcome");
            for (int i = 1; i <= 5; i++) {
                ids.add(post(bob, "m" + i));
            }
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                JsonObject message = first.next("message");
                seen.add(message.getString("id"));
            }
            assertEquals(ids.subList(0, 2), seen, "the delivered id is the stored id");
        }
        post(bob, "m6");
        try (WsClient again = connect(bob, "since=" + ids.get(1))) {
            assertTrue(again.next("welcome").getBoolean("recovered"));
            assertEquals(List.of("m3", "m4", "m5", "m6"), contents(again, 4));
            post(bob, "live");
            assertEquals("live", again.next("message").getString("content"));
            assertNull(again.pollQuietly(QUIET));
        }
    }

    @Test
    void aDeviceThatAcknowledgedResumesFromItsAckWithoutSince() throws Exception {
        String bob = unique("bob");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(post(bob, "m" + i));
        }
        try (WsClient phone = connect(bob, "device=phone-1")) {
            assertEquals("phone-1", phone.next("welcome").getString("device"));
            contents(phone, 3);
            phone.send("{\"type\":\"ack\",\"id\":9,\"upTo\":\"" + ids.get(0) + "\"}");
            JsonObject acked = phone.next("acked");
            assertEquals(ids.get(0), acked.getString("upTo"));
            assertEquals(9, acked.getInt("id"));
        }
        try (WsClient phoneAgain = connect(bob, "device=phone-1")) {
            phoneAgain.next("welcome");
            assertEquals(List.of("m2", "m3"), contents(phoneAgain, 2), "everything after its ack, though the user saw them");
        }
        try (WsClient bad = connect(bob, null)) {
            bad.next("welcome");
            bad.send("{\"type\":\"ack\",\"upTo\":\"yesterday\"}");
            JsonObject error = bad.next("error");
            assertEquals(400, error.getInt("code"));
        }
    }

    @Test
    void saysNotRecoveredWhenSinceIsOlderThanRetention() {
        String bob = unique("bob");
        String first = post(bob, "m0");
        for (int i = 1; i < 25; i++) {
            post(bob, "m" + i);
        }
        try (WsClient late = connect(bob, "since=" + first)) {
            JsonObject welcome = late.next("welcome");
            assertFalse(welcome.getBoolean("recovered"), "20 kept, 25 sent: messages after 'since' are gone");
            assertEquals("m5", late.next("message").getString("content"), "the replay starts at the oldest kept");
        }
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyIsDeliveredOnce() throws Exception {
        String bob = unique("bob");
        String key = unique("payment");
        try (WsClient phone = connect(bob, null)) {
            phone.next("welcome");
            String id = post(bob, "charged", "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
            ApiClient.Reply retry = api().post("api/messages", "application/json", body(bob, "charged"),
                    "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
            assertEquals(200, retry.status());
            assertTrue(retry.json().getBoolean("duplicate"));
            assertEquals(id, retry.json().getString("messageId"));
            assertEquals("charged", phone.next("message").getString("content"));
            assertNull(phone.pollQuietly(QUIET), "delivered once");
            ApiClient.Reply badKey = api().post("api/messages", "application/json", body(bob, "x"),
                    "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", "has spaces in it");
            assertEquals(400, badKey.status());

            ApiClient.Reply reused = api().post("api/messages", "application/json", body(bob, "refunded"),
                    "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
            assertEquals(409, reused.status(), "the same key with another request is a conflict, not a retry");
            assertEquals("idempotency-conflict", reused.json().getString("code"));
            assertNull(phone.pollQuietly(QUIET), "nothing stored for the conflicting request");

            String otherBackend = post(bob, "charged", "Authorization", "Bearer " + TestTokens.valid("billing", "backend"),
                    "Idempotency-Key", key);
            assertNotEquals(id, otherBackend, "keys are scoped by credential: another backend's key is its own");
            assertEquals("charged", phone.next("message").getString("content"));
        }
    }

    @Test
    void aTransientMessageFromTheApiOrAClientReachesOnlyWhoIsOnlineAndIsNeverReplayed() throws Exception {
        String bob = unique("bob");
        String carol = unique("carol");
        post(carol, "stored-for-carol"); // carol is known and offline
        try (WsClient phone = connect(bob, null); WsClient alice = connect(unique("alice"), null)) {
            phone.next("welcome");
            alice.next("welcome");
            ApiClient.Reply live = api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\",\"" + carol + "\"],\"content\":\"t1\",\"store\":false}");
            assertEquals(200, live.status(), live.body());
            assertEquals(1, live.json().getJsonObject("delivered").getInt(bob), live.body());
            assertEquals(List.of(carol), live.json().getJsonArray("offline").getValuesAs(jakarta.json.JsonString::getString));
            alice.send("{\"type\":\"message\",\"id\":7,\"to\":[\"" + bob + "\",\"" + carol + "\"],\"content\":\"t2\",\"store\":false}");
            JsonObject ack = alice.next("ack");
            assertEquals(1, ack.getJsonObject("delivered").getInt(bob), ack.toString());
            assertEquals(List.of("t1", "t2"), contents(phone, 2));
            ApiClient.Reply withKey = api().post("api/messages", "application/json",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"t3\",\"store\":false}",
                    "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", unique("key"));
            assertEquals(400, withKey.status(), "an Idempotency-Key needs a stored message: " + withKey.body());
            assertEquals("invalid-frame", withKey.json().getString("code"));
            ApiClient.Reply notABoolean = api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"t4\",\"store\":\"no\"}");
            assertEquals(400, notABoolean.status(), notABoolean.body());
            assertNull(phone.pollQuietly(QUIET), "refused requests deliver nothing");
        }
        try (WsClient again = connect(bob, "since=0-0"); WsClient carols = connect(carol, null)) {
            assertEquals("welcome", again.next().getString("type"));
            assertNull(again.pollQuietly(QUIET), "nothing transient was stored for bob");
            carols.next("welcome");
            assertEquals(List.of("stored-for-carol"), contents(carols, 1));
            assertNull(carols.pollQuietly(QUIET), "nor for carol, who was offline");
        }
    }

    @Test
    void refusesAHandshakeWithABadSinceOrDevice() {
        String token = TestTokens.valid(unique("bob"));
        assertEquals(400, WsClient.refusedStatus(base(), token, "since=yesterday"));
        assertEquals(400, WsClient.refusedStatus(base(), token, "device=a%20b"));
    }
}
