package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.RedisClusterServers;
import io.switchboard.testing.process.RedisServer;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Two real nodes on a real 3-master Redis Cluster ({@code switchboard.redis.cluster.nodes}) behave as one
 * gateway exactly as on one Redis ({@link TwoNodeGatewayContract}), and their stored messages and live relay
 * really are sharded: a message to users in every shard is stored and relayed by each shard, resumes read
 * it back from each, and every shard carries sharded subscriptions (no classic pub/sub at all). Each master
 * has a replica: a slot moved to another master and a master's failover to its replica are followed
 * under traffic.
 */
class ShardedClusterE2E extends TwoNodeGatewayContract {
    private static final Path WORK = Path.of("target", "e2e-sharded");
    private static TwoNodeCluster<RedisClusterServers> cluster;
    private static RedisClusterServers redis;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TwoNodeCluster.start(WORK, RedisClusterServers.start(WORK.resolve("redis"), 3, 1), HEARTBEAT_TIMEOUT,
                contractSettings());
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
    String redisView(String room) throws IOException {
        StringBuilder view = new StringBuilder();
        for (RedisServer shard : redis.servers()) {
            view.append(shard.command("HGETALL sb:room:{" + room + "}:users").strip()).append(" | ");
        }
        return view.toString();
    }

    /** The slot of a user's keys. */
    private static int slotOf(String user) {
        return JedisClusterCRC16.getSlot("sb:inbox:{" + user.getBytes(StandardCharsets.UTF_8).length + ":" + user + "}");
    }

    /** The shard that held a slot when the cluster was created: redis-cli splits the slots evenly, in order. */
    private static int shardOf(String user) {
        int slot = slotOf(user);
        return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
    }

    /** One user per shard, by name. */
    private static List<String> oneUserPerShard(String name) {
        Map<Integer, String> byShard = new LinkedHashMap<>();
        while (byShard.size() < 3) {
            String user = unique(name);
            byShard.putIfAbsent(shardOf(user), user);
        }
        return new ArrayList<>(byShard.values());
    }

    @Test
    @Order(1)
    void storesAndRelaysAMessageToUsersInEveryShardAndResumesEachFromItsShard() throws Exception {
        List<String> users = oneUserPerShard("sharded");
        String sender = unique("sender");
        Map<String, String> firstIds = new HashMap<>();
        try (WsClient alice = open(nodeA, sender); WsClient u0 = open(nodeB, users.get(0));
                WsClient u1 = open(nodeB, users.get(1)); WsClient u2 = open(nodeA, users.get(2))) {
            for (String user : users) {
                awaitPresence(nodeA, user, 1);
            }
            String to = "[\"" + String.join("\",\"", users) + "\"]";
            alice.send("{\"type\":\"message\",\"id\":1,\"to\":" + to + ",\"content\":\"to every shard\"}");
            JsonObject ack = alice.next("ack");
            for (String user : users) {
                assertEquals(1, ack.getJsonObject("delivered").getInt(user), ack.toString());
            }
            List<WsClient> devices = List.of(u0, u1, u2);
            for (int i = 0; i < 3; i++) {
                JsonObject message = devices.get(i).next("message");
                assertEquals("to every shard", message.getString("content"));
                firstIds.put(users.get(i), message.getString("id"));
                assertNull(devices.get(i).pollQuietly(Duration.ofMillis(300)), "once per connection");
            }
        }
        for (String user : users) {
            awaitPresence(nodeA, user, 0);
        }
        List<String> contents = List.of("offline 1", "offline 2", "offline 3");
        for (String content : contents) {
            ApiClient.Reply pushed = nodeB.api().postJson("api/messages", "{\"from\":\"svc\",\"to\":[\"" + String.join("\",\"", users)
                    + "\"],\"content\":\"" + content + "\"}");
            assertEquals(200, pushed.status(), pushed.body());
            assertEquals(3, pushed.json().getJsonArray("offline").size(), pushed.body());
        }
        for (String user : users) {
            try (WsClient back = WsClient.connect(nodeA.base(), TestTokens.valid(user), "since=" + firstIds.get(user))) {
                assertTrue(back.next("welcome").getBoolean("recovered"));
                String previous = firstIds.get(user);
                for (String content : contents) {
                    JsonObject message = back.next("message");
                    assertEquals(content, message.getString("content"), user);
                    assertTrue(io.switchboard.protocol.MessageId.parse(message.getString("id"), "id")
                            .isAfter(io.switchboard.protocol.MessageId.parse(previous, "id")), "ids grow per stream");
                    previous = message.getString("id");
                }
                assertNull(back.pollQuietly(Duration.ofMillis(300)), "nothing twice");
            }
        }
    }

    /**
     * A slot moved to another master while its user is online and messages keep coming: the nodes are told
     * (an unasked {@code sunsubscribe}), subscribe again where the slot now is and catch up, and the stores
     * follow the slot ({@code MOVED} re-reads the slot map): every message arrives once, in order.
     */
    @Test
    @Order(2)
    void followsASlotMovedToAnotherMasterWithoutLosingOrRepeatingAMessage() throws Exception {
        String user = unique("moving");
        while (shardOf(user) != 0) {
            user = unique("moving");
        }
        int slot = slotOf(user);
        try (WsClient device = open(nodeB, user)) {
            awaitPresence(nodeA, user, 1);
            assertEquals(200, push(user, "before the move").status());
            assertEquals("before the move", device.next("message").getString("content"));

            redis.moveSlot(slot, redis.masters().get(0), redis.masters().get(1));
            pushEachUntilStoredAndReceiveOnceInOrder(user, device, "after the move");
            Eventually.within(Duration.ofSeconds(10), "both nodes subscribed where the slot is now",
                    () -> ready(nodeA) && ready(nodeB) && shardChannelsIn(redis.masters().get(1), slot) == 2
                            && shardChannelsIn(redis.masters().get(0), slot) == 0);
        }
    }

    /**
     * A master handed its slots to its replica (a coordinated failover) while a user of that shard is online and
     * messages keep coming: the stores follow ({@code MOVED}), the nodes' subscriptions follow, and every
     * acknowledged message arrives once, in order.
     */
    @Test
    @Order(6)
    void followsAMasterFailoverWithoutLosingOrRepeatingAMessage() throws Exception {
        String user = unique("failover");
        while (shardOf(user) != 2) {
            user = unique("failover");
        }
        RedisServer master = redis.masters().get(2);
        try (WsClient device = open(nodeB, user)) {
            awaitPresence(nodeA, user, 1);
            assertEquals(200, push(user, "before the failover").status());
            assertEquals("before the failover", device.next("message").getString("content"));

            redis.failOver(redis.replicaOf(master));
            pushEachUntilStoredAndReceiveOnceInOrder(user, device, "after the failover");
            Eventually.within(Duration.ofSeconds(10), "both nodes ready", () -> ready(nodeA) && ready(nodeB));
        }
    }

    /**
     * Pushes 20 messages to the user, each retried (same idempotency key) while refused with 503 for at most
     * 30 s, then checks that the device got each exactly once, in order.
     */
    private static void pushEachUntilStoredAndReceiveOnceInOrder(String user, WsClient device, String label)
            throws InterruptedException {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String content = label + " " + i;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            ApiClient.Reply reply = push(user, content);
            while (reply.status() != 200) {
                assertEquals(503, reply.status(), reply.body());
                assertTrue(System.nanoTime() < deadline, "not stored within 30 s: " + reply.body());
                Thread.sleep(100);
                reply = push(user, content);
            }
            sent.add(content);
        }
        for (String content : sent) {
            assertEquals(content, device.next("message").getString("content"));
        }
        assertNull(device.pollQuietly(Duration.ofMillis(500)), "nothing twice");
    }

    private static ApiClient.Reply push(String user, String content) {
        return nodeA.api().post("api/messages", "application/json",
                "{\"from\":\"svc\",\"to\":[\"" + user + "\"],\"content\":\"" + content + "\"}",
                "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", (user + "-" + content).replace(' ', '-'));
    }

    /** How many member channels in {@code slot} have subscribers on {@code shard}. */
    private static int shardChannelsIn(RedisServer shard, int slot) {
        try {
            String reply = shard.command("PUBSUB SHARDCHANNELS sb:node:*:{" + tagOf(slot) + "}");
            return Integer.parseInt(reply.substring(1, reply.indexOf('\r')));
        } catch (IOException e) {
            return -1;
        }
    }

    /** The hash tag the nodes use for {@code slot}: the first base-36 number in it. */
    private static String tagOf(int slot) {
        for (int i = 0; ; i++) {
            String candidate = Integer.toString(i, 36);
            if (JedisClusterCRC16.getSlot(candidate) == slot) {
                return candidate;
            }
        }
    }

    @Test
    @Order(1)
    void relaysOverShardedPubSubOnEveryShardAndNoClassicChannel() throws Exception {
        for (RedisServer shard : redis.masters()) {
            String sharded = shard.command("PUBSUB SHARDCHANNELS sb:node:*");
            String classic = shard.command("PUBSUB CHANNELS *");
            assertTrue(sharded.startsWith("*") && !sharded.startsWith("*0"), "shard " + shard.port() + ": " + sharded);
            assertEquals("*0\r\n", classic, "shard " + shard.port() + " carries no classic channel");
        }
    }
}
