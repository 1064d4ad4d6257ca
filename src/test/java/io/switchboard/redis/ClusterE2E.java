package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.RedisServer;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real nodes (Payara Micro, the built WAR) and one real redis-server behave as one gateway
 * ({@link TwoNodeGatewayContract}), and ride out what a single Redis does to them: subscribers cut,
 * an outage and an empty restart. The tests run in order: the Redis outage and the SIGKILL come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2E extends TwoNodeGatewayContract {
    private static final Path WORK = Path.of("target", "e2e-cluster");
    private static TwoNodeCluster<RedisServer> cluster;
    private static RedisServer redis;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TwoNodeCluster.start(WORK, false, HEARTBEAT_TIMEOUT, contractSettings());
        redis = cluster.redis;
        nodeA = cluster.nodeA();
        nodeB = cluster.nodeB();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String redisView(String room) throws java.io.IOException {
        return redis.command("HGETALL sb:room:{" + room + "}:users") + " / " + redis.command("HGETALL sb:room:{" + room + "}:nodes");
    }









    @Test
    @Order(5)
    void deliversEveryStoredMessageOnceAndInOrderWhileSubscribersReconnect() throws Exception {
        String alice = unique("alice");
        String erin = unique("erin");
        try (WsClient sender = open(nodeA, alice); WsClient erinOnB = open(nodeB, erin)) {
            awaitPresence(nodeA, erin, 1);
            List<Integer> stored = new ArrayList<>();
            Map<Integer, String> refused = new java.util.TreeMap<>();
            for (int seq = 0; seq < 60; seq++) {
                if (seq % 10 == 0) {
                    redis.command("CLIENT KILL TYPE pubsub"); // every node's subscriber reconnects
                }
                sender.send("{\"type\":\"message\",\"to\":[\"" + erin + "\"],\"content\":" + seq + "}");
                JsonObject reply = sender.next();
                if (reply.getString("type").equals("ack")) {
                    stored.add(seq); // delivered or undelivered (its node missed the relay): stored either way
                } else {
                    refused.put(seq, reply.toString()); // an error: not stored, and the sender knows
                }
                Thread.sleep(40); // spread each group of 10 over the ~100 ms reconnect window and after it
            }
            List<Integer> received = new ArrayList<>();
            String frame;
            while ((frame = erinOnB.pollQuietly(Duration.ofSeconds(3))) != null) {
                received.add(Json.createReader(new java.io.StringReader(frame)).readObject().getInt("content"));
            }
            assertEquals(stored, received, "every stored message once, in order, on the same connection; none refused"
                    + " (refused: " + refused + ")");
            assertFalse(stored.isEmpty(), "refused: " + refused);
        }
    }

    @Test
    @Order(5)
    void catchesUpAConnectedClientWithWhatItsNodeMissedWhileNotSubscribed() throws Exception {
        String frank = unique("frank");
        String room = unique("gap");
        try (WsClient frankOnB = open(nodeB, frank); WsClient poster = open(nodeA, unique("poster"))) {
            awaitPresence(nodeA, frank, 1);
            join(frankOnB, room);
            // hold node B's subscriber out: cut it, and let no new connection authenticate until we say so
            String subscriber = clientId("switchboard:node-b:subscriber");
            String password = redis.password();
            String locked = "locked-" + UUID.randomUUID();
            redis.command("CONFIG SET requirepass " + locked); // connections already in stay authenticated
            try {
                redis.commandAs(locked, "CLIENT KILL ID " + subscriber);
                Eventually.within(Duration.ofSeconds(10), "node B notices", () -> !ready(nodeB));
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    ApiClient.Reply reply = nodeA.api().postJson("api/messages",
                            "{\"from\":\"svc\",\"to\":[\"" + frank + "\"],\"content\":" + i + "}");
                    assertEquals(200, reply.status(), reply.body());
                    assertEquals(List.of(frank), reply.json().getJsonArray("undelivered").getValuesAs(JsonString::getString),
                            "stored, but its node was not listening");
                    ids.add(reply.json().getString("messageId"));
                    poster.send("{\"type\":\"publish\",\"id\":" + i + ",\"room\":\"" + room + "\",\"content\":\"r" + i + "\"}");
                    assertEquals("ack", poster.next().getString("type"));
                }
                assertNull(frankOnB.pollQuietly(Duration.ofMillis(500)), "nothing reached frank during the gap");
            } finally {
                redis.commandAs(locked, "CONFIG SET requirepass " + password);
            }
            List<String> direct = new ArrayList<>();
            List<String> inRoom = new ArrayList<>();
            while (direct.size() + inRoom.size() < 10) {
                JsonObject message = frankOnB.next("message");
                (message.containsKey("room") ? inRoom : direct).add(message.get("content").toString());
            }
            assertEquals(List.of("0", "1", "2", "3", "4"), direct, "in order, on the connection that stayed open");
            assertEquals(List.of("\"r0\"", "\"r1\"", "\"r2\"", "\"r3\"", "\"r4\""), inRoom);
            assertNull(frankOnB.pollQuietly(Duration.ofSeconds(1)), "each once");
            assertTrue(nodeB.log().contains("Relay caught up after a gap"), "repaired by the catch-up");
            ApiClient.Reply after = nodeA.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + frank + "\"],\"content\":\"live again\"}");
            assertEquals(200, after.status());
            assertEquals("live again", frankOnB.next("message").getString("content"));
        }
    }

    /** The id of the Redis client connection with this name ({@code CLIENT LIST}). */
    private static String clientId(String name) throws Exception {
        for (String line : redis.command("CLIENT LIST").split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                return line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
            }
        }
        throw new AssertionError("no Redis client named " + name);
    }

    @Test
    @Order(6)
    void refusesWhatItCannotStoreDuringARedisOutageKeepsRoomsLocalAndRecoversWithoutRestart() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String farAway = unique("far");
        String room = unique("outage");
        try (WsClient aliceOnA = open(nodeA, alice); WsClient bobOnA = open(nodeA, bob); WsClient farOnB = open(nodeB, farAway)) {
            awaitPresence(nodeA, farAway, 1);
            join(farOnB, room);
            join(bobOnA, room);
            farOnB.next("presence");
            int downLogsBefore = countOf(nodeA.log(), "Redis relay is DOWN");
            redis.stop();
            Eventually.within(Duration.ofSeconds(10), "readiness DOWN", () -> !ready(nodeA) && !ready(nodeB));

            ApiClient.Reply relayed = nodeA.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + farAway + "\"],\"content\":\"needs the relay\"}");
            assertEquals(503, relayed.status(), relayed.body());
            assertEquals("relay-unavailable", relayed.json().getString("code"));

            // a client connecting now cannot be given its stored messages, and is told so (not "lost")
            try (WsClient late = WsClient.connect(nodeA.base(), TestTokens.valid(unique("late")), "since=1-0")) {
                JsonObject welcome = late.next("welcome");
                assertEquals("unavailable", welcome.getString("stored"));
                assertFalse(welcome.containsKey("recovered"), "nothing is known to be lost: reconnect later");
            }

            // a direct message cannot be stored, so it is refused even for a recipient on this node
            aliceOnA.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + bob + "\"],\"content\":\"local\"}");
            JsonObject refused = aliceOnA.next();
            assertEquals("error", refused.getString("type"));
            assertEquals(503, refused.getInt("code"));
            assertEquals("relay-unavailable", refused.getString("reason"));

            // room messages are not stored: this node's members still get them, and the ack says so
            bobOnA.send("{\"type\":\"publish\",\"id\":2,\"room\":\"" + room + "\",\"content\":\"local\"}");
            assertEquals("local", bobOnA.next("message").getString("content"));
            JsonObject ack = bobOnA.next("ack");
            assertEquals(1, ack.getInt("delivered"));
            assertEquals("unavailable", ack.getString("relay"));
            assertNull(aliceOnA.pollQuietly(Duration.ofMillis(300)), "nothing reached the would-be recipient");

            redis.restart(); // empty: this Redis keeps nothing on disk
            Eventually.within(Duration.ofSeconds(20), "readiness UP again", () -> ready(nodeA) && ready(nodeB));
            // Redis lost every node's liveness, presence and rooms, so messages stored before the nodes wrote
            // them back were routed to nobody: each node has its clients resume instead of trusting the relay
            assertEquals(CloseCodes.SERVICE_RESTART, farOnB.awaitClose().code());
            assertEquals(CloseCodes.SERVICE_RESTART, bobOnA.awaitClose().code());
            try (WsClient farAgain = open(nodeB, farAway); WsClient bobAgain = open(nodeA, bob)) {
                awaitPresence(nodeA, farAway, 1);
                join(farAgain, room);
                join(bobAgain, room);
                assertEquals(2, roomSeenFrom(nodeA, room).getInt("members"), "rooms work again in the new Redis");
                ApiClient.Reply again = nodeA.api().postJson("api/messages",
                        "{\"from\":\"svc\",\"to\":[\"" + farAway + "\"],\"content\":\"relay is back\"}");
                assertEquals(200, again.status(), again.body());
                assertEquals("relay is back", farAgain.next("message").getString("content"));
            }
            assertEquals(downLogsBefore + 1, countOf(nodeA.log(), "Redis relay is DOWN"), "logged once per outage");
        }
    }


    private static int countOf(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
