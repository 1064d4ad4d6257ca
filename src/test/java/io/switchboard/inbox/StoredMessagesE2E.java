package io.switchboard.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.MessageId;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.RedisServer;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Nothing acknowledged is lost: two real nodes and a real redis-server with AOF (fsync every second).
 * Resume on the other node, a Redis crash and restart, and the receiver's node killed mid-stream. The
 * node kill comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoredMessagesE2E {
    private static final Path WORK = Path.of("target", "e2e-stored");
    private static TwoNodeCluster<RedisServer> cluster;
    private static RedisServer redis;
    private static GatewayNode nodeA;
    private static GatewayNode nodeB;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TwoNodeCluster.start(WORK, true, Duration.ofSeconds(3));
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

    private static boolean ready(GatewayNode node) {
        return TwoNodeCluster.ready(node);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static String post(GatewayNode node, String to, String content) {
        ApiClient.Reply reply = node.api().postJson("api/messages",
                "{\"from\":\"svc\",\"to\":[\"" + to + "\"],\"content\":" + content + "}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("messageId");
    }

    private static WsClient connect(GatewayNode node, String user, String query) {
        return WsClient.connect(node.base(), TestTokens.valid(user), query);
    }

    @Test
    @Order(1)
    void resumesOnTheOtherNodeWithExactlyTheMissedMessagesInOrder() throws Exception {
        String bob = unique("bob");
        List<String> ids = new ArrayList<>();
        String lastProcessed;
        try (WsClient onB = connect(nodeB, bob, "device=phone")) {
            onB.next("welcome");
            for (int i = 0; i < 20; i++) {
                ids.add(post(nodeA, bob, String.valueOf(i)));
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(i, onB.next("message").getInt("content"));
            }
            lastProcessed = ids.get(7);
        }
        for (int i = 20; i < 30; i++) {
            ids.add(post(nodeB, bob, String.valueOf(i))); // while bob is away
        }
        try (WsClient onA = connect(nodeA, bob, "device=phone&since=" + lastProcessed)) {
            assertTrue(onA.next("welcome").getBoolean("recovered"));
            for (int i = 8; i < 30; i++) {
                JsonObject message = onA.next("message");
                assertEquals(i, message.getInt("content"));
                assertEquals(ids.get(i), message.getString("id"));
            }
            post(nodeB, bob, "30");
            assertEquals(30, onA.next("message").getInt("content"), "then live traffic");
        }
    }

    @Test
    @Order(2)
    void storedMessagesSurviveARedisCrashAndRestartWithAof() throws Exception {
        String carol = unique("carol");
        for (int i = 0; i < 5; i++) {
            post(nodeA, carol, String.valueOf(i));
        }
        Thread.sleep(1500); // appendfsync everysec: a crash may lose the last second, not what is older
        redis.kill();
        redis.restart();
        Eventually.within(Duration.ofSeconds(20), "both nodes ready again", () -> ready(nodeA) && ready(nodeB));
        try (WsClient onB = connect(nodeB, carol, "device=laptop")) {
            assertTrue(onB.next("welcome").getBoolean("recovered"));
            for (int i = 0; i < 5; i++) {
                assertEquals(i, onB.next("message").getInt("content"));
            }
        }
    }

    @Test
    @Order(3)
    void losesNothingWhenTheReceiversNodeIsKilledMidStream() throws Exception {
        String dave = unique("dave");
        int total = 1200;
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        WsClient onB = connect(nodeB, dave, "device=tablet");
        onB.next("welcome");
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < total; i++) {
                post(nodeA, dave, String.valueOf(i)); // 200 = stored; asserted inside
                acknowledged.add(i);
                try {
                    TimeUnit.MILLISECONDS.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        List<Integer> received = new ArrayList<>();
        MessageId last = MessageId.ZERO;
        while (received.size() < 300) {
            JsonObject message = onB.next("message");
            received.add(message.getInt("content"));
            last = MessageId.parse(message.getString("id"), "id");
        }
        nodeB.kill();
        String frame;
        while ((frame = onB.pollQuietly(Duration.ofMillis(500))) != null) { // what reached the client before the kill
            JsonObject message = Json.createReader(new StringReader(frame)).readObject();
            if ("message".equals(message.getString("type"))) {
                received.add(message.getInt("content"));
                last = MessageId.parse(message.getString("id"), "id");
            }
        }
        CompletableFuture.runAsync(onB::close);
        try (WsClient onA = connect(nodeA, dave, "device=tablet&since=" + last)) {
            assertTrue(onA.next("welcome").getBoolean("recovered"));
            publisher.get(2, TimeUnit.MINUTES);
            while (received.size() < total) {
                JsonObject message = onA.next("message");
                MessageId id = MessageId.parse(message.getString("id"), "id");
                assertTrue(id.isAfter(last), "in id order, no repeats: " + id + " after " + last);
                last = id;
                received.add(message.getInt("content"));
            }
        }
        assertEquals(total, acknowledged.size());
        assertEquals(total, new LinkedHashSet<>(received).size(), "no duplicates");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add(i);
        }
        assertEquals(expected, received, "every acknowledged message, in order");
    }
}
