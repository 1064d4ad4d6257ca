package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.RedisServer;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node whose Redis stalls while a client keeps sending: what does not fit the node's bounded pipeline
 * queue (8 here) is refused at once with 503 {@code overloaded} and a retry hint, never stored or
 * delivered; everything acknowledged is delivered once, in order; readiness stays UP (load is not an
 * outage); and the node takes full traffic again as soon as Redis answers.
 */
class OverloadE2E {
    private static final Path WORK = Path.of("target", "e2e-overload");
    private static RedisServer redis;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(WORK.resolve("redis"));
        node = GatewayNode.startOn(redis, WORK.resolve("node"), "overload-node",
                Map.of("SWITCHBOARD_REDIS_PIPELINE_LANES", "1", "SWITCHBOARD_REDIS_PIPELINE_QUEUE", "8"));
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

    private static WsClient open(String user) {
        WsClient client = WsClient.connect(node.base(), TestTokens.valid(user));
        assertEquals("welcome", client.next().getString("type"));
        return client;
    }

    @Test
    void refusesWhatItCannotQueueStaysReadyAndDeliversEverythingAcknowledgedOnce() throws Exception {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        int burst = 40;
        try (WsClient sender = open(alice); WsClient receiver = open(bob)) {
            CompletableFuture<Void> stall = redis.stall(1500); // under the node's Redis timeout (2 s)
            for (int i = 0; i < burst; i++) {
                sender.send("{\"type\":\"message\",\"id\":" + i + ",\"to\":[\"" + bob + "\"],\"content\":" + i + "}");
            }
            // Refusals come at once, acks when Redis answers: replies are matched by id, not by order.
            JsonObject first = sender.next();
            assertEquals("overloaded", first.getString("reason", ""), "the first reply is a refusal: " + first);
            HttpResponse<String> pushed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.base().resolve("api/messages"))
                    .header("Content-Type", "application/json").header("X-Api-Key", ApiClient.API_KEY)
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"api\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, pushed.statusCode(), pushed.body());
            assertTrue(pushed.body().contains("overloaded"), pushed.body());
            assertEquals("1", pushed.headers().firstValue("Retry-After").orElse(null), "the API says when to retry");
            assertEquals(200, node.api().get("health/ready").status(), "a stalled Redis under load is not an outage");

            List<Integer> acked = new ArrayList<>();
            Set<Integer> answered = new HashSet<>();
            int refused = 0;
            for (JsonObject reply = first; ; reply = sender.next()) {
                assertTrue(answered.add(reply.getInt("id")), "one reply per message: " + reply);
                if ("ack".equals(reply.getString("type"))) {
                    acked.add(reply.getInt("id"));
                } else {
                    assertEquals("error", reply.getString("type"), reply.toString());
                    assertEquals(503, reply.getInt("code"));
                    assertEquals("overloaded", reply.getString("reason"));
                    assertEquals(100, reply.getInt("retryAfterMs"), reply.toString());
                    refused++;
                }
                if (answered.size() == burst) {
                    break;
                }
            }
            stall.join();
            assertTrue(refused > 0, "a burst far over the queue was refused in part");
            assertTrue(acked.size() >= 8, "what fit the queue was stored: " + acked);
            assertEquals(acked.stream().sorted().toList(), acked, "acks in the order of their messages");
            for (int expected : acked) {
                assertEquals(expected, receiver.next().getInt("content"), "each acknowledged message once, in order");
            }
            assertNull(receiver.pollQuietly(Duration.ofMillis(500)), "nothing refused was delivered");
            assertEquals(200, node.api().get("health/ready").status());

            for (int i = burst; i < burst + 20; i++) { // within the queue's bound (8 at a time): each one taken
                sender.send("{\"type\":\"message\",\"id\":" + i + ",\"to\":[\"" + bob + "\"],\"content\":" + i + "}");
                JsonObject reply = sender.next();
                assertEquals("ack", reply.getString("type"), "full service once Redis answers: " + reply);
                assertEquals(i, receiver.next().getInt("content"));
            }
            assertFalse(receiver.isClosed());
        }
    }
}
