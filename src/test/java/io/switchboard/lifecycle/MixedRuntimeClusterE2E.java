package io.switchboard.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.ClientDeflate;
import io.switchboard.testing.client.RawWsClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.RedisServer;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The same WAR on two servers in one cluster: node A on Payara Micro, node B on WildFly, one real
 * redis-server (AOF). Users connected to both, direct, room and HTTP traffic crossing between the
 * runtimes, stored messages resumed on the other runtime, permessage-deflate on both with one setting, and
 * the WildFly node drained by SIGTERM (last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MixedRuntimeClusterE2E {
    private static final Path WORK = Path.of("target", "e2e-mixed-runtimes");
    private static TwoNodeCluster<RedisServer> cluster;
    private static GatewayNode payara;
    private static GatewayNode wildfly;

    @BeforeAll
    static void startCluster() throws Exception {
        // the same key switches permessage-deflate on for Tyrus (Switchboard's extension) and Undertow (its own)
        cluster = TwoNodeCluster.start(WORK, true, Duration.ofSeconds(3), Map.of("SWITCHBOARD_DEFLATE_ENABLED", "true"),
                GatewayNode.Runtime.PAYARA,
                GatewayNode.Runtime.WILDFLY);
        payara = cluster.nodeA();
        wildfly = cluster.nodeB();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static WsClient open(GatewayNode node, String user) {
        return open(node, user, "");
    }

    private static WsClient open(GatewayNode node, String user, String query) {
        WsClient client = WsClient.connect(node.base(), TestTokens.valid(user), query);
        assertEquals("welcome", client.next().getString("type"));
        return client;
    }

    private static JsonObject join(WsClient client, String room) {
        client.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
        return client.next("joined");
    }

    private static String post(GatewayNode node, String to, String content) {
        ApiClient.Reply reply = node.api().postJson("api/messages",
                "{\"from\":\"svc\",\"to\":[\"" + to + "\"],\"content\":\"" + content + "\"}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("messageId");
    }

    @Test
    @Order(1)
    void bothRuntimesRunTheSameWarInOneCluster() {
        for (GatewayNode node : List.of(payara, wildfly)) {
            assertEquals(200, node.api().get("health/ready").status(), node.base() + " ready");
            ApiClient.Reply metrics = node.api().get("metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.body().contains("switchboard_connections "), "the WAR's own metrics on " + node.base());
        }
        assertEquals("cluster", payara.api().get("health/ready").json().getJsonArray("checks").stream()
                .map(JsonObject.class::cast).filter(check -> check.getString("name").equals("redis-relay"))
                .findFirst().orElseThrow().getJsonObject("data").getString("mode"));
    }

    @Test
    @Order(2)
    void directMessagesCrossBetweenPayaraAndWildFlyToEveryConnectionOfTheRecipient() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient aliceOnPayara = open(payara, alice); WsClient aliceOnWildFly = open(wildfly, alice);
                WsClient bobOnPayara = open(payara, bob); WsClient carolOnWildFly = open(wildfly, carol)) {
            Eventually.within(Duration.ofSeconds(10), "alice's two connections seen from both nodes",
                    () -> payara.api().connectionsOf(alice) == 2 && wildfly.api().connectionsOf(alice) == 2);
            JsonObject presence = wildfly.api().get("api/users/" + alice + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
            assertEquals(Set.of("node-a", "node-b"),
                    Set.copyOf(presence.getJsonArray("nodes").getValuesAs(JsonString::getString)));

            bobOnPayara.send("{\"type\":\"message\",\"to\":[\"" + alice + "\"],\"content\":\"from payara\"}");
            assertEquals(2, bobOnPayara.next("ack").getJsonObject("delivered").getInt(alice), "both of alice's connections");
            for (WsClient device : List.of(aliceOnPayara, aliceOnWildFly)) {
                JsonObject message = device.next("message");
                assertEquals("from payara", message.getString("content"));
                assertEquals(bob, message.getString("from"));
                assertNull(device.pollQuietly(Duration.ofMillis(300)), "exactly once per connection");
            }

            carolOnWildFly.send("{\"type\":\"message\",\"to\":[\"" + bob + "\",\"" + alice + "\"],\"content\":\"from wildfly\"}");
            JsonObject ack = carolOnWildFly.next("ack");
            assertEquals(1, ack.getJsonObject("delivered").getInt(bob));
            assertEquals(2, ack.getJsonObject("delivered").getInt(alice));
            for (WsClient receiver : List.of(bobOnPayara, aliceOnPayara, aliceOnWildFly)) {
                assertEquals("from wildfly", receiver.next("message").getString("content"));
            }

            // a backend pushes through either node to users held by the other
            post(wildfly, bob, "pushed via wildfly");
            assertEquals("pushed via wildfly", bobOnPayara.next("message").getString("content"));
            post(payara, carol, "pushed via payara");
            assertEquals("pushed via payara", carolOnWildFly.next("message").getString("content"));
        }
    }

    @Test
    @Order(3)
    void roomsSpanBothRuntimesWithPresenceAndHttpPublishing() throws Exception {
        String room = unique("lobby");
        String amy = unique("amy");
        String bob = unique("bob");
        try (WsClient amyOnPayara = open(payara, amy); WsClient bobOnWildFly = open(wildfly, bob)) {
            join(amyOnPayara, room);
            assertEquals(2, join(bobOnWildFly, room).getInt("members"), "amy, joined through Payara, counted on WildFly");
            JsonObject bobJoined = amyOnPayara.next("presence");
            assertEquals(bob, bobJoined.getString("user"));
            assertEquals("join", bobJoined.getString("event"));

            bobOnWildFly.send("{\"type\":\"publish\",\"room\":\"" + room + "\",\"content\":\"hello\",\"echo\":false}");
            assertEquals(1, bobOnWildFly.next("ack").getInt("delivered"));
            assertEquals("hello", amyOnPayara.next("message").getString("content"));

            ApiClient.Reply published = payara.api().postJson("api/rooms/" + room + "/messages",
                    "{\"from\":\"svc\",\"content\":\"notice\"}");
            assertEquals(2, published.json().getInt("delivered"), published.body());
            assertEquals("notice", bobOnWildFly.next("message").getString("content"));
            assertEquals("notice", amyOnPayara.next("message").getString("content"));
            assertEquals(2, wildfly.api().getApi("api/rooms/" + room).json().getInt("members"));

            amyOnPayara.close();
            JsonObject amyLeft = bobOnWildFly.next("presence");
            assertEquals("leave", amyLeft.getString("event"));
            assertEquals(1, amyLeft.getInt("members"));
        }
    }

    @Test
    @Order(4)
    void resumesStoredMessagesOnTheOtherRuntimeInBothDirections() throws Exception {
        String dave = unique("dave");
        List<String> ids = new ArrayList<>();
        String lastProcessed;
        try (WsClient onWildFly = open(wildfly, dave, "device=phone")) {
            for (int i = 0; i < 5; i++) {
                ids.add(post(payara, dave, "m" + i));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("m" + i, onWildFly.next("message").getString("content"));
            }
            lastProcessed = ids.get(2);
        }
        for (int i = 5; i < 8; i++) {
            ids.add(post(wildfly, dave, "m" + i)); // while dave is away
        }
        try (WsClient onPayara = WsClient.connect(payara.base(), TestTokens.valid(dave), "device=phone&since=" + lastProcessed)) {
            assertTrue(onPayara.next("welcome").getBoolean("recovered"), "WildFly's cursor resumed on Payara");
            for (int i = 3; i < 8; i++) {
                JsonObject message = onPayara.next("message");
                assertEquals("m" + i, message.getString("content"));
                assertEquals(ids.get(i), message.getString("id"));
            }
            assertNull(onPayara.pollQuietly(Duration.ofMillis(500)), "nothing twice");
            lastProcessed = ids.get(7);
        }
        ids.add(post(payara, dave, "m8"));
        try (WsClient backOnWildFly = WsClient.connect(wildfly.base(), TestTokens.valid(dave), "device=phone&since=" + lastProcessed)) {
            assertTrue(backOnWildFly.next("welcome").getBoolean("recovered"), "Payara's cursor resumed on WildFly");
            JsonObject message = backOnWildFly.next("message");
            assertEquals("m8", message.getString("content"));
            assertEquals(ids.get(8), message.getString("id"));
            assertNull(backOnWildFly.pollQuietly(Duration.ofMillis(500)), "nothing twice");
        }
    }

    @Test
    @Order(5)
    void bothRuntimesNegotiatePermessageDeflateWithTheSameSetting() throws Exception {
        String big = "row: price 101.25, volume 3000; ".repeat(100);
        for (GatewayNode node : List.of(payara, wildfly)) {
            String user = unique("gus");
            try (RawWsClient client = RawWsClient.connect(node.base(), TestTokens.valid(user), 0,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover")) {
                assertTrue(String.valueOf(client.extensions()).startsWith("permessage-deflate"),
                        node.base() + " answered " + client.extensions());
                assertEquals("welcome", text(client.readFrame()).getString("type"));
                post(node == payara ? wildfly : payara, user, big);
                RawWsClient.Frame frame = client.readFrame();
                assertTrue(frame.compressed(), "a large message arrives compressed from " + node.base());
                assertEquals(big, text(frame).getString("content"));
            }
        }
    }

    private static JsonObject text(RawWsClient.Frame frame) throws DataFormatException {
        byte[] payload = frame.compressed() ? ClientDeflate.inflate(frame.payload()) : frame.payload();
        return Json.createReader(new StringReader(new String(payload, StandardCharsets.UTF_8))).readObject();
    }

    @Test
    @Order(9)
    void sigtermDrainsTheWildFlyNodeAndItsClientsResumeOnPayara() throws Exception {
        String erin = unique("erin");
        String lastId;
        // two clients, so the drain takes half its window (5 s) before the second is told: readiness is seen DOWN
        try (WsClient onWildFly = open(wildfly, erin, "device=laptop"); WsClient other = open(wildfly, unique("frank"))) {
            lastId = post(payara, erin, "before");
            assertEquals("before", onWildFly.next("message").getString("content"));
            wildfly.terminate();
            Eventually.within(Duration.ofSeconds(2), "readiness DOWN while draining",
                    () -> wildfly.api().get("health/ready").status() == 503);
            for (WsClient client : List.of(onWildFly, other)) {
                WsClient.Closed closed = client.awaitClose();
                assertEquals(1012, closed.code(), "told to reconnect (not WildFly's 1001): " + closed);
            }
        }
        String whileMoving = post(payara, erin, "while moving");
        try (WsClient onPayara = WsClient.connect(payara.base(), TestTokens.valid(erin), "device=laptop&since=" + lastId)) {
            assertTrue(onPayara.next("welcome").getBoolean("recovered"));
            JsonObject message = onPayara.next("message");
            assertEquals("while moving", message.getString("content"));
            assertEquals(whileMoving, message.getString("id"));
        }
        assertTrue(wildfly.awaitExit(Duration.ofSeconds(30)), "the WildFly node exits after draining");
        String log = wildfly.log();
        assertTrue(log.contains("Shutting down: telling 2 connection(s) to reconnect"), "drained by Switchboard");
        assertTrue(log.contains("WFLYSRV0050"), "then WildFly stopped as usual");
    }
}
