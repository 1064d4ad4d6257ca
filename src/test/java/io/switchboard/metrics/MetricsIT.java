package io.switchboard.metrics;

import static io.switchboard.testing.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.ClientCommand;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's figures in Prometheus text at {@code /metrics} under the application's context root, served by the WAR itself. */
class MetricsIT extends DeployedGatewayIT {

    @Test
    void exportsAFrameCountForEveryCommandTypeAndForInvalidAndRefusedFrames() {
        String metrics = new ApiClient(base()).get("metrics").body();
        List<String> types = new ArrayList<>();
        for (ClientCommand.Type type : ClientCommand.Type.values()) {
            types.add(type.wire());
        }
        types.addAll(List.of("invalid", "refused"));
        for (String type : types) {
            assertTrue(sample(metrics, "switchboard_frames_in_total", "type=\"" + type + "\"") >= 0, type);
        }
    }

    @Test
    void exportsConnectionsFramesDeliveriesAndErrorsInPrometheusText() {
        String bob = unique("bob");
        try (WsClient alice = open(unique("alice")); WsClient bobWs = open(bob)) {
            alice.send("{\"type\":\"message\",\"to\":[\"" + bob + "\"],\"content\":1}");
            alice.next("ack");
            bobWs.next("message");
            alice.send("{\"type\":\"ping\"}");
            alice.next("pong");
            alice.send("not json");
            alice.next("error");
            ApiClient.Reply reply = new ApiClient(base()).get("metrics");
            assertEquals(200, reply.status());
            assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
            String metrics = reply.body();
            assertEquals(2, sample(metrics, "switchboard_connections"));
            assertEquals(2, sample(metrics, "switchboard_users"));
            assertEquals(1, sample(metrics, "switchboard_frames_in_total", "type=\"message\""));
            assertEquals(1, sample(metrics, "switchboard_frames_in_total", "type=\"ping\""));
            assertEquals(1, sample(metrics, "switchboard_frames_in_total", "type=\"invalid\""));
            assertEquals(1, sample(metrics, "switchboard_errors_total", "code=\"invalid-json\""));
            assertEquals(0, sample(metrics, "switchboard_errors_total", "code=\"forbidden\""));
            assertTrue(sample(metrics, "switchboard_frames_delivered_total") >= 1, "the message to bob");
            assertEquals(1, sample(metrics, "switchboard_frames_out_total", "type=\"message\""), "the message to bob");
            assertEquals(0, sample(metrics, "switchboard_frames_out_total", "type=\"broadcast\""));
            assertEquals(0, sample(metrics, "switchboard_slow_consumer_cuts_total"));
            assertTrue(sample(metrics, "switchboard_bytes_in_total") > 50, "three frames came in");
            assertTrue(sample(metrics, "switchboard_bytes_out_total") > 50, "welcomes, ack, message, pong, error went out");
            assertEquals(0, sample(metrics, "switchboard_relay_published_total"), "one node: no relay");
            assertEquals(1, sample(metrics, "switchboard_delivery_latency_us_count"), "the one direct message");
            double latency = sample(metrics, "switchboard_delivery_latency_us", "quantile=\"0.99\"");
            assertTrue(latency > 0 && latency < 1_000_000, "microseconds, under a second: " + latency);

            JsonObject stats = api().getApi("api/stats").json();
            assertEquals(1, stats.getJsonObject("framesIn").getInt("message"));
            assertEquals(1, stats.getJsonObject("errors").getInt("invalid-json"));
            assertTrue(stats.getJsonNumber("bytesOut").longValue() > 50);
            JsonObject latencies = stats.getJsonObject("deliveryLatencyUs");
            assertEquals(1, latencies.getInt("count"));
            assertTrue(latencies.getJsonNumber("p99").doubleValue() > 0, latencies.toString());
        }
    }
}
