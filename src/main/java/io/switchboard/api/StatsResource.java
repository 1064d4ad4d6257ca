package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.GatewayMetrics;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /api/stats}: a JSON snapshot of this node's figures (the same as {@code /metrics}), for humans. */
@Path("stats")
@RequestScoped
@BackendOnly
public class StatsResource {

    /** A snapshot of this node's counters. */
    public record Stats(String node, int connections, int users, int rooms, long slowConsumerCuts, long heartbeatReaps,
            Map<String, Long> framesIn, Map<String, Long> errors, long framesDelivered, long bytesIn, long bytesOut,
            long relayPublished, long relayReceived, GatewayMetrics.Distribution deliveryLatencyUs,
            GatewayMetrics.Distribution relayLagMs, GatewayMetrics.Distribution redisRoundTripUs) {
    }

    @Inject
    SwitchboardConfig config;

    @Inject
    ConnectionRegistry registry;

    @Inject
    RoomRegistry rooms;

    @Inject
    TrafficCounters traffic;

    @Inject
    GatewayMetrics metrics;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Stats stats() {
        return new Stats(config.nodeId(), registry.size(), registry.userCount(), rooms.rooms().size(), registry.slowConsumerCuts(),
                registry.heartbeatReaps(), traffic.framesIn(), traffic.errors(), traffic.delivered(), traffic.bytesIn(),
                traffic.bytesOut(), traffic.relayPublished(), traffic.relayReceived(), metrics.deliveryLatencyUs(),
                metrics.relayLagMs(), metrics.redisRoundTripUs());
    }
}
