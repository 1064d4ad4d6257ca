package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.SentinelSet;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real nodes on a real Sentinel set (master + replica, AOF everysec, three sentinels), configured as the
 * docs recommend ({@code switchboard.redis.wait.replicas=1}): a failover forced while a backend pushes
 * stored messages through both nodes loses none that was acknowledged, and both nodes follow the new
 * master (readiness back, live delivery through it).
 */
class SentinelFailoverE2E {
    private static final Logger LOG = Logger.getLogger(SentinelFailoverE2E.class.getName());
    private static final Path WORK = Path.of("target", "e2e-sentinel");
    private static TwoNodeCluster<SentinelSet> cluster;
    private static SentinelSet sentinels;
    private static GatewayNode nodeA;
    private static GatewayNode nodeB;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start(WORK, SentinelSet.start(WORK.resolve("redis")), null,
                Map.of("SWITCHBOARD_INBOX_MAX_ENTRIES", "100000")); // retention is not under test
        sentinels = cluster.redis;
        nodeA = cluster.nodeA();
        nodeB = cluster.nodeB();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aForcedFailoverUnderTrafficLosesNothingAcknowledgedAndNodesFollowTheNewMaster() throws Exception {
        String bob = "bob-" + UUID.randomUUID();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicInteger sequence = new AtomicInteger();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread backend = new Thread(() -> {
            try {
                while (!stopping.get()) {
                    String content = "m" + sequence.incrementAndGet();
                    String body = "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"" + content + "\"}";
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    for (int attempt = 0; ; attempt++) {
                        GatewayNode node = (sequence.get() + attempt) % 2 == 0 ? nodeA : nodeB;
                        int status = push(node, body, content, refusals);
                        if (status == 200) {
                            acknowledged.add(content);
                            break;
                        }
                        if (status != 503 && status != -1) {
                            throw new AssertionError("unexpected " + status + " for " + content);
                        }
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("no node acknowledged " + content + " within 60 s");
                        }
                        Thread.sleep(100);
                    }
                    Thread.sleep(10);
                }
            } catch (InterruptedException | RuntimeException | AssertionError e) {
                errors.add(e.toString());
            }
        }, "backend-pushing");
        backend.start();

        Eventually.within(Duration.ofSeconds(30), "traffic flowing before the failover", () -> acknowledged.size() >= 30);
        int formerMaster = sentinels.master.port();
        long failoverStart = System.nanoTime();
        sentinels.forceFailover();
        Eventually.within(Duration.ofSeconds(30), "the sentinels promoted the replica", () -> {
            try {
                return sentinels.masterPort() == sentinels.replica.port();
            } catch (java.io.IOException e) {
                return false;
            }
        });
        long promotedMillis = (System.nanoTime() - failoverStart) / 1_000_000;
        Eventually.within(Duration.ofSeconds(30), "both nodes ready again on the new master",
                () -> TwoNodeCluster.ready(nodeA) && TwoNodeCluster.ready(nodeB));
        long readyMillis = (System.nanoTime() - failoverStart) / 1_000_000;
        int acknowledgedAtReadiness = acknowledged.size();
        Eventually.within(Duration.ofSeconds(30), "traffic flowing after the failover",
                () -> acknowledged.size() >= acknowledgedAtReadiness + 30);
        stopping.set(true);
        backend.join(70_000);
        assertEquals(List.of(), errors);
        LOG.info("Failover: replica promoted after " + promotedMillis + " ms, both nodes ready after " + readyMillis
                + " ms; " + acknowledged.size() + " messages acknowledged, refusals " + refusals);
        assertTrue(sentinels.replica.command("ROLE").contains("master"), "the former replica is the master");
        assertTrue(formerMaster != sentinels.masterPort());

        // every acknowledged message is in the inbox the new master holds: a device replaying all of it gets each
        Set<String> replayed = new TreeSet<>();
        try (WsClient verifier = WsClient.connect(nodeA.base(), TestTokens.valid(bob), "device=verifier&since=0-0")) {
            assertEquals("welcome", verifier.next().getString("type"));
            for (String frame = verifier.pollQuietly(Duration.ofSeconds(3)); frame != null;
                    frame = verifier.pollQuietly(Duration.ofSeconds(3))) {
                JsonObject message = Json.createReader(new StringReader(frame)).readObject();
                if ("message".equals(message.getString("type"))) {
                    replayed.add(message.getString("content"));
                }
            }
        }
        Set<String> lost = new TreeSet<>(acknowledged);
        lost.removeAll(replayed);
        assertEquals(Set.of(), lost, "acknowledged messages missing after the failover");

        // and the relay runs through the new master: live delivery across nodes
        try (WsClient bobOnB = WsClient.connect(nodeB.base(), TestTokens.valid(bob), "device=live")) {
            assertEquals("welcome", bobOnB.next().getString("type"));
            Eventually.within(Duration.ofSeconds(5), "bob seen from node A", () -> nodeA.api().connectionsOf(bob) == 1);
            ApiClient.Reply pushed = nodeA.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"after the failover\"}");
            assertEquals(200, pushed.status(), pushed.body());
            assertEquals(1, pushed.json().getJsonObject("delivered").getInt(bob), pushed.body());
            assertEquals("after the failover", bobOnB.next("message").getString("content"));
        }
    }

    /** One push with the content as idempotency key; its status, or -1 when the node could not be reached. */
    private static int push(GatewayNode node, String body, String key, Map<String, AtomicInteger> refusals) {
        try {
            ApiClient.Reply reply = node.api().post("api/messages", "application/json", body,
                    "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
            if (reply.status() != 200) {
                String code = reply.status() + " " + (reply.body().contains("\"code\"")
                        ? reply.json().getString("code", "?") : reply.body());
                refusals.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
            }
            return reply.status();
        } catch (AssertionError unreachable) {
            return -1;
        }
    }
}
