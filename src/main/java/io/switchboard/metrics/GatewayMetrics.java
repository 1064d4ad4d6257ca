package io.switchboard.metrics;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.metrics.Histogram;
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

    private volatile Histogram lag;
    private volatile Histogram redis;
    private volatile Histogram delivery;

    /** p50/p95/p99 and count of a distribution, for the JSON snapshot. */
    public record Distribution(double p50, double p95, double p99, long count) {
        static Distribution of(Histogram histogram) {
            if (histogram == null) {
                return new Distribution(0, 0, 0, 0);
            }
            var snapshot = histogram.getSnapshot();
            double p50 = 0;
            double p95 = 0;
            double p99 = 0;
            for (var percentile : snapshot.percentileValues()) {
                if (percentile.getPercentile() == 0.5) {
                    p50 = percentile.getValue();
                } else if (percentile.getPercentile() == 0.95) {
                    p95 = percentile.getValue();
                } else if (percentile.getPercentile() == 0.99) {
                    p99 = percentile.getValue();
                }
            }
            return new Distribution(p50, p95, p99, histogram.getCount());
        }
    }

    /** Delivery latency in microseconds. */
    public Distribution deliveryLatencyUs() {
        return Distribution.of(delivery);
    }

    /** Relay (subscriber) lag in milliseconds. */
    public Distribution relayLagMs() {
        return Distribution.of(lag);
    }

    /** Redis round trips in microseconds. */
    public Distribution redisRoundTripUs() {
        return Distribution.of(redis);
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        gauge("switchboard.connections", "Open WebSocket connections on this node", connections::size);
        gauge("switchboard.users", "Users with at least one connection on this node", connections::userCount);
        gauge("switchboard.rooms", "Rooms with members on this node", () -> rooms.rooms().size());
        gauge("switchboard.slow.consumer.cuts", "Connections cut because they read too slowly (4001), since start",
                connections::slowConsumerCuts);
        gauge("switchboard.heartbeat.reaps", "Connections closed by the heartbeat (4000), since start",
                connections::heartbeatReaps);
        gauge("switchboard.frames.delivered", "Frames handed to connections on this node, since start", traffic::delivered);
        for (String kind : List.of("message", "broadcast", "room")) {
            gauge("switchboard.frames.out", "Frames handed to connections, by kind, since start", () -> traffic.delivered(kind),
                    new Tag("type", kind));
        }
        gauge("switchboard.bytes.in", "UTF-8 bytes of client text frames received, since start", traffic::bytesIn);
        gauge("switchboard.bytes.out", "UTF-8 bytes of frames handed to connections, since start", traffic::bytesOut);
        for (String direction : List.of("out", "in")) {
            for (String form : List.of("raw", "wire")) {
                gauge("switchboard.deflate.bytes", "Bytes of permessage-deflate messages before (raw) and after (wire) "
                        + "compression, by direction, since start", () -> traffic.deflateBytes(direction, form),
                        new Tag("direction", direction), new Tag("form", form));
            }
        }
        gauge("switchboard.relay.published", "Relay payloads published to Redis, since start", traffic::relayPublished);
        gauge("switchboard.relay.received", "Relay payloads received from Redis, since start", traffic::relayReceived);
        // Histograms without a unit, the unit in the name: Payara converts units inconsistently in
        // Prometheus output (a timer's quantiles stay in nanoseconds under a "_seconds" name).
        lag = histogram("switchboard.relay.lag.ms",
                "Time from a relay payload's publish on its origin node to its receipt here, ms (subscriber lag)");
        traffic.recordRelayLagIn(lag::update);
        redis = histogram("switchboard.redis.round.trip.us",
                "Round trip of Redis commands and scripts on the message paths, microseconds");
        traffic.recordRedisRoundTripIn(nanos -> redis.update(nanos / 1000));
        delivery = histogram("switchboard.delivery.latency.us",
                "From the gateway accepting a message to handing it to this node's connections, microseconds");
        traffic.recordDeliveryLatencyIn(nanos -> delivery.update(nanos / 1000));
        for (String type : FRAME_TYPES) {
            gauge("switchboard.frames.in", "Client frames received, by type, since start", () -> traffic.framesIn(type),
                    new Tag("type", type));
        }
        for (ErrorCode code : ErrorCode.values()) {
            gauge("switchboard.errors", "Error replies (WebSocket error frames), by code, since start",
                    () -> traffic.errors(code), new Tag("code", code.slug()));
        }
    }

    private Histogram histogram(String name, String description) {
        return metrics.histogram(Metadata.builder().withName(name).withDescription(description).build());
    }

    private void gauge(String name, String description, java.util.function.Supplier<Number> value, Tag... tags) {
        metrics.gauge(Metadata.builder().withName(name).withDescription(description).build(), value, tags);
    }
}
