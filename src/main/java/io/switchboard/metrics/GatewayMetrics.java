package io.switchboard.metrics;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Registers this node's figures with MicroProfile Metrics (application scope), which Payara serves in
 * Prometheus text at {@code /metrics}. Gauges read the live counters of the registry and
 * {@link TrafficCounters} when scraped, so nothing is recorded twice. Registered once at start.
 */
@ApplicationScoped
public class GatewayMetrics {
    /** The client frame types counted (plus "invalid" for frames that did not decode). */
    static final List<String> FRAME_TYPES =
            List.of("message", "broadcast", "ping", "join", "leave", "publish", "ack", "history", "invalid");

    @Inject
    MetricRegistry metrics;

    @Inject
    ConnectionRegistry connections;

    @Inject
    RoomRegistry rooms;

    @Inject
    TrafficCounters traffic;

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        gauge("switchboard.connections", "Open WebSocket connections on this node", connections::size);
        gauge("switchboard.users", "Users with at least one connection on this node", connections::userCount);
        gauge("switchboard.rooms", "Rooms with members on this node", () -> rooms.rooms().size());
        gauge("switchboard.slow.consumer.cuts", "Connections cut because they read too slowly (4001), since start",
                connections::slowConsumerCuts);
        gauge("switchboard.heartbeat.reaps", "Connections closed by the heartbeat (4000), since start",
                connections::heartbeatReaps);
        gauge("switchboard.frames.delivered", "Frames handed to connections on this node, since start", traffic::delivered);
        for (String type : FRAME_TYPES) {
            gauge("switchboard.frames.in", "Client frames received, by type, since start", () -> traffic.framesIn(type),
                    new Tag("type", type));
        }
        for (ErrorCode code : ErrorCode.values()) {
            gauge("switchboard.errors", "Error replies (WebSocket error frames), by code, since start",
                    () -> traffic.errors(code), new Tag("code", code.slug()));
        }
    }

    private void gauge(String name, String description, java.util.function.Supplier<Number> value, Tag... tags) {
        metrics.gauge(Metadata.builder().withName(name).withDescription(description).build(), value, tags);
    }
}
