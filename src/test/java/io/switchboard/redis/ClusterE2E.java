package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.GatewayNode;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real nodes (Payara Micro, the built WAR) and a real redis-server behave as one gateway. Heartbeat
 * 1 s interval + 1 s timeout. The tests run in order: the Redis outage and the SIGKILL come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2E {
    private static final Path WORK = Path.of("target", "e2e-cluster");
    /** "Two heartbeat timeouts": twice interval + timeout. */
    private static final Duration TWO_HEARTBEAT_TIMEOUTS = Duration.ofSeconds(4);
    private static RedisServer redis;
    private static GatewayNode nodeA;
    private static GatewayNode nodeB;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start(WORK.resolve("redis"));
        Map<String, String> envA = new HashMap<>(GatewayNode.testEnvironment("node-a"));
        envA.put("SWITCHBOARD_REDIS_URL", redis.url());
        Map<String, String> envB = new HashMap<>(GatewayNode.testEnvironment("node-b"));
        envB.put("SWITCHBOARD_REDIS_URL", redis.url());
        nodeA = GatewayNode.start(WORK.resolve("node-a"), false, envA);
        nodeB = GatewayNode.start(WORK.resolve("node-b"), false, envB);
        nodeA.awaitReady();
        nodeB.awaitReady();
        Eventually.within(Duration.ofSeconds(30), "both nodes ready (relay up)",
                () -> ready(nodeA) && ready(nodeB));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable process : new AutoCloseable[] {nodeA, nodeB, redis}) {
            if (process != null) {
                process.close();
            }
        }
    }

    private static boolean ready(GatewayNode node) {
        return node.api().get("health/ready").status() == 200;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static WsClient open(GatewayNode node, String user, String... groups) {
        WsClient client = WsClient.connect(node.base(), TestTokens.valid(user, groups));
        JsonObject welcome = client.next();
        assertEquals("welcome", welcome.getString("type"));
        return client;
    }

    /** Waits until the presence registry shows {@code connections} for the user, seen from {@code node}. */
    private static void awaitPresence(GatewayNode node, String user, int connections) {
        Eventually.within(Duration.ofSeconds(5), user + " has " + connections + " connections",
                () -> node.api().connectionsOf(user) == connections);
    }

    @Test
    @Order(1)
    void deliversAcrossNodesExactlyOncePerConnection() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient sender = open(nodeA, alice); WsClient bobOnA = open(nodeA, bob); WsClient bobOnB = open(nodeB, bob)) {
            awaitPresence(nodeA, bob, 2);
            sender.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + bob + "\"],\"content\":\"from a client on A\"}");
            JsonObject ack = sender.next();
            assertEquals(2, ack.getJsonObject("delivered").getInt(bob), ack.toString());
            ApiClient.Reply pushed = nodeB.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"from the API on B\"}");
            assertEquals(200, pushed.status(), pushed.body());
            assertEquals(2, pushed.json().getJsonObject("delivered").getInt(bob));
            for (WsClient device : List.of(bobOnA, bobOnB)) {
                assertEquals("from a client on A", device.next().getString("content"));
                assertEquals("from the API on B", device.next().getString("content"));
                assertNull(device.pollQuietly(Duration.ofMillis(500)), "each connection gets each message once");
            }
        }
    }

    @Test
    @Order(2)
    void broadcastsToBothNodesAndReportsPresenceClusterWide() throws Exception {
        String ops = unique("ops");
        String dana = unique("dana");
        try (WsClient broadcaster = open(nodeB, ops, "broadcast"); WsClient danaOnA = open(nodeA, dana);
                WsClient danaOnB = open(nodeB, dana)) {
            awaitPresence(nodeA, dana, 2);
            JsonObject presence = nodeA.api().get("api/users/" + dana + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
            assertTrue(presence.getBoolean("online"));
            assertEquals(Set.of("node-a", "node-b"), Set.copyOf(presence.getJsonArray("nodes").getValuesAs(
                    jakarta.json.JsonString::getString)));
            broadcaster.send("{\"type\":\"broadcast\",\"id\":\"b\",\"content\":\"everyone\"}");
            // This node's two connections are counted exactly; node A's as of its last heartbeat (≤ 1 s old).
            assertTrue(broadcaster.next("ack").getInt("delivered") >= 2);
            assertEquals("everyone", danaOnA.next().getString("content"));
            assertEquals("everyone", danaOnB.next().getString("content"));
        }
        awaitPresence(nodeA, dana, 0);
    }

    @Test
    @Order(3)
    void neverAcknowledgesAMessageItsNodeMissedWhileResubscribing() throws Exception {
        String alice = unique("alice");
        String erin = unique("erin");
        try (WsClient sender = open(nodeA, alice); WsClient erinOnB = open(nodeB, erin)) {
            awaitPresence(nodeA, erin, 1);
            Set<Integer> acknowledged = new HashSet<>();
            Set<Integer> refused = new HashSet<>();
            for (int seq = 0; seq < 60; seq++) {
                if (seq % 10 == 0) {
                    redis.command("CLIENT KILL TYPE pubsub"); // every node's subscriber reconnects
                }
                sender.send("{\"type\":\"message\",\"to\":[\"" + erin + "\"],\"content\":" + seq + "}");
                JsonObject reply = sender.next();
                if (reply.getString("type").equals("ack") && reply.getJsonObject("delivered").containsKey(erin)) {
                    acknowledged.add(seq);
                } else {
                    refused.add(seq); // undelivered in the ack, or an error: the sender knows
                }
            }
            Set<Integer> received = new HashSet<>();
            String frame;
            while ((frame = erinOnB.pollQuietly(Duration.ofSeconds(2))) != null) {
                received.add(Json.createReader(new java.io.StringReader(frame)).readObject().getInt("content"));
            }
            assertEquals(acknowledged, received, "delivered exactly the acknowledged messages (refused: " + refused + ")");
            assertFalse(acknowledged.isEmpty());
        }
    }

    @Test
    @Order(4)
    void keepsLocalDeliveryThroughARedisOutageAndRecoversWithoutRestart() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String farAway = unique("far");
        try (WsClient aliceOnA = open(nodeA, alice); WsClient bobOnA = open(nodeA, bob); WsClient farOnB = open(nodeB, farAway)) {
            awaitPresence(nodeA, farAway, 1);
            int downLogsBefore = countOf(nodeA.log(), "Redis relay is DOWN");
            redis.stop();
            Eventually.within(Duration.ofSeconds(10), "readiness DOWN", () -> !ready(nodeA) && !ready(nodeB));

            ApiClient.Reply relayed = nodeA.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + farAway + "\"],\"content\":\"needs the relay\"}");
            assertEquals(503, relayed.status(), relayed.body());
            assertEquals("relay-unavailable", relayed.json().getString("code"));

            aliceOnA.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + bob + "\"],\"content\":\"local\"}");
            JsonObject ack = aliceOnA.next();
            assertEquals(1, ack.getJsonObject("delivered").getInt(bob));
            assertEquals("unavailable", ack.getString("relay"));
            assertEquals("local", bobOnA.next().getString("content"));

            aliceOnA.send("{\"type\":\"message\",\"id\":2,\"to\":[\"" + farAway + "\"],\"content\":\"far\"}");
            JsonObject refused = aliceOnA.next();
            assertEquals("error", refused.getString("type"));
            assertEquals(503, refused.getInt("code"));

            redis.restart();
            Eventually.within(Duration.ofSeconds(20), "readiness UP again", () -> ready(nodeA) && ready(nodeB));
            awaitPresence(nodeA, farAway, 1); // presence rewritten into the empty Redis
            ApiClient.Reply again = nodeA.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + farAway + "\"],\"content\":\"relay is back\"}");
            assertEquals(200, again.status(), again.body());
            assertEquals("relay is back", farOnB.next().getString("content"));
            assertEquals(downLogsBefore + 1, countOf(nodeA.log(), "Redis relay is DOWN"), "logged once per outage");
        }
    }

    @Test
    @Order(5)
    void showsAKilledNodesUsersOfflineWithinTwoHeartbeatTimeouts() throws Exception {
        String carol = unique("carol");
        WsClient carolOnB = open(nodeB, carol);
        awaitPresence(nodeA, carol, 1);
        nodeB.kill();
        Duration took = Eventually.within(TWO_HEARTBEAT_TIMEOUTS.plusMillis(500), "carol offline after SIGKILL of node B",
                () -> nodeA.api().connectionsOf(carol) == 0);
        JsonObject presence = nodeA.api().get("api/users/" + carol + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
        assertFalse(presence.getBoolean("online"), "after " + took);
        CompletableFuture.runAsync(carolOnB::close);
    }

    private static int countOf(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
