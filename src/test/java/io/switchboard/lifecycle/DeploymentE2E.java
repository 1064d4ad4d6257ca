package io.switchboard.lifecycle;

import static io.switchboard.testing.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.MessageId;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.NginxProxy;
import io.switchboard.testing.process.RedisServer;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Production shape: Redis + two nodes + the shipped nginx configuration terminating TLS with a generated
 * certificate, clients on wss:// trusting the generated CA. The graceful shutdown of a node (SIGTERM)
 * comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentE2E {
    private static final Path WORK = Path.of("target", "e2e-deployment");
    private static TwoNodeCluster<RedisServer> cluster;
    private static NginxProxy nginx;
    private static HttpClient tls;

    @BeforeAll
    static void start() throws Exception {
        cluster = TwoNodeCluster.start(WORK, true, Duration.ofSeconds(3), Map.of("SWITCHBOARD_SHUTDOWN_DRAIN_MS", "3000"));
        nginx = NginxProxy.start(WORK.resolve("nginx"), List.of(cluster.nodeA().base(), cluster.nodeB().base()));
        tls = nginx.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static WsClient viaNginx(String user, String query) {
        return WsClient.connect(tls, nginx.https(), TestTokens.valid(user), query);
    }

    @Test
    @Order(1)
    void servesWssAndTheApiThroughNginxAcrossBothNodes() {
        String alice = unique("alice");
        String bob = unique("bob");
        List<WsClient> opened = new ArrayList<>();
        try {
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < 4; i++) { // round robin: consecutive upgrades alternate between the nodes
                WsClient client = viaNginx(i % 2 == 0 ? alice : bob, "");
                opened.add(client);
                nodes.add(client.next("welcome").getString("node"));
            }
            assertTrue(nodes.contains("node-a") && nodes.contains("node-b"), "both nodes serve: " + nodes);
            opened.get(0).send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + bob + "\"],\"content\":\"over wss\"}");
            assertEquals(2, opened.get(0).next("ack").getJsonObject("delivered").getInt(bob));
            assertEquals("over wss", opened.get(1).next("message").getString("content"));
            assertEquals("over wss", opened.get(3).next("message").getString("content"));

            ApiClient.Reply pushed = nginx.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + alice + "\"],\"content\":\"over https\"}");
            assertEquals(200, pushed.status(), pushed.body());
            assertEquals("over https", opened.get(0).next("message").getString("content"));
            assertEquals("over https", opened.get(2).next("message").getString("content"));

            assertEquals(200, nginx.api().get("health/ready").status());

            // the figures of node A, scraped directly (as Prometheus would, not through nginx)
            String metrics = new ApiClient(cluster.nodeA().base()).get("metrics").body();
            String metricsB = new ApiClient(cluster.nodeB().base()).get("metrics").body();
            assertTrue(sample(metrics, "switchboard_relay_published_total") + sample(metricsB, "switchboard_relay_published_total") >= 2,
                    "each message was published once through Redis");
            assertTrue(sample(metrics, "switchboard_relay_received_total") >= 1, "A received relays");
            assertTrue(sample(metrics, "switchboard_relay_lag_ms_count") >= 1, "relay lag measured");
            assertTrue(sample(metrics, "switchboard_relay_lag_ms", "quantile=\"0.99\"") < 5000, "a plausible lag, ms");
            assertTrue(sample(metrics, "switchboard_redis_round_trip_us_count")
                    + sample(metricsB, "switchboard_redis_round_trip_us_count") >= 2, "Redis round trips measured where they were made");
            assertTrue(sample(metrics, "switchboard_delivery_latency_us_count") >= 1, "delivery latency measured");
            assertTrue(sample(metrics, "switchboard_connections") >= 1);
            assertTrue(cluster.nodeA().api().getApi("api/stats").json().getJsonNumber("relayReceived").longValue() >= 1);
            assertEquals(301, new ApiClient(nginx.http()).get("api/stats").status(), "plain HTTP is redirected");
        } finally {
            opened.forEach(WsClient::close);
        }
    }

    @Test
    @Order(2)
    void aStoppingNodeDrainsItsClientsWhoResumeThroughNginxWithoutLoss() throws Exception {
        String dave = unique("dave");
        GatewayNode nodeB = cluster.nodeB();
        WsClient receiver = null;
        for (int i = 0; i < 6 && receiver == null; i++) { // until the round robin puts dave on node B
            WsClient candidate = viaNginx(dave, "device=tablet");
            if (candidate.next("welcome").getString("node").equals("node-b")) {
                receiver = candidate;
            } else {
                candidate.close();
            }
        }
        assertTrue(receiver != null, "reached node B");
        List<WsClient> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // more clients on B, so the drain spreads over seconds
            WsClient other = WsClient.connect(nodeB.base(), TestTokens.valid(unique("other")));
            other.next("welcome");
            others.add(other);
        }
        int total = 400;
        java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < total; i++) {
                // as a backend should: a 5xx is retried with the same Idempotency-Key until stored
                String body = "{\"from\":\"svc\",\"to\":[\"" + dave + "\"],\"content\":" + i + "}";
                ApiClient.Reply reply = null;
                for (int attempt = 0; attempt < 20 && (reply == null || reply.status() >= 500); attempt++) {
                    reply = nginx.api().post("api/messages", "application/json", body,
                            "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", dave + "-" + i);
                    if (reply.status() >= 500) {
                        retries.incrementAndGet();
                        sleep(50);
                    }
                }
                assertEquals(200, reply.status(), reply.body());
                sleep(5);
            }
        });
        List<Integer> received = new ArrayList<>();
        MessageId last = MessageId.ZERO;
        while (received.size() < 100) {
            JsonObject message = receiver.next("message");
            received.add(message.getInt("content"));
            last = MessageId.parse(message.getString("id"), "id");
        }
        AtomicBoolean sawNotReady = new AtomicBoolean();
        CompletableFuture<Void> readiness = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 200 && !sawNotReady.get(); i++) {
                try {
                    sawNotReady.set(nodeB.api().get("health/ready").status() == 503);
                } catch (AssertionError gone) {
                    return; // the node is down already
                }
                sleep(10);
            }
        });
        nodeB.terminate();

        WsClient.Closed closed;
        while (true) { // what reached the client before the close counts as processed, then the close
            String frame = receiver.pollQuietly(Duration.ofSeconds(10));
            if (frame == null) {
                closed = receiver.awaitClose();
                break;
            }
            JsonObject message = Json.createReader(new StringReader(frame)).readObject();
            if (message.getString("type").equals("message")) {
                received.add(message.getInt("content"));
                last = MessageId.parse(message.getString("id"), "id");
            }
        }
        assertEquals(1012, closed.code(), "told to reconnect: " + closed);
        readiness.get(10, TimeUnit.SECONDS);
        assertTrue(sawNotReady.get(), "readiness went DOWN while draining");

        try (WsClient resumed = viaNginx(dave, "device=tablet&since=" + last)) {
            JsonObject welcome = resumed.next("welcome");
            assertEquals("node-a", welcome.getString("node"), "nginx sent the reconnect to the other node");
            assertTrue(welcome.getBoolean("recovered"));
            publisher.get(2, TimeUnit.MINUTES);
            while (received.size() < total) {
                received.add(resumed.next("message").getInt("content"));
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add(i);
        }
        assertEquals(expected, received, "every message once, in order, across the drain");
        assertTrue(nodeB.awaitExit(Duration.ofSeconds(30)), "node B exited within its grace period");
        others.forEach(WsClient::close);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
