package io.switchboard.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.protocol.ClientCommand;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * This node's figures in a Micrometer registry of the WAR's own, served in Prometheus text by
 * {@link MetricsServlet}: the same names and path on every server (Payara has MicroProfile Metrics, WildFly
 * Micrometer and no MicroProfile Metrics). Gauges and counters read the live counters of the registries
 * and {@link TrafficCounters} when scraped, so nothing is recorded twice; the three distributions are
 * recorded by the message paths (any thread). Registered once at start, closed when the application stops.
 */
@ApplicationScoped
public class GatewayMetrics {
    /**
     * The client frame types counted: every command type, "invalid" for frames that did not decode and
     * "refused" for commands over the connection's rate limit (see {@code CommandDispatcher}).
     */
    static final List<String> FRAME_TYPES = Stream.concat(
            Arrays.stream(ClientCommand.Type.values()).map(ClientCommand.Type::wire), Stream.of("invalid", "refused")).toList();
    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    @Inject
    ConnectionRegistry connections;

    @Inject
    RoomRegistry rooms;

    @Inject
    TrafficCounters traffic;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile DistributionSummary lag;
    private volatile DistributionSummary redis;
    private volatile DistributionSummary delivery;

    /** p50/p95/p99 and count of a distribution, for the JSON snapshot. */
    public record Distribution(double p50, double p95, double p99, long count) {
        static Distribution of(DistributionSummary summary) {
            if (summary == null) {
                return new Distribution(0, 0, 0, 0);
            }
            var snapshot = summary.takeSnapshot();
            double[] values = new double[PERCENTILES.length];
            for (var percentile : snapshot.percentileValues()) {
                for (int i = 0; i < PERCENTILES.length; i++) {
                    if (percentile.percentile() == PERCENTILES[i]) {
                        values[i] = percentile.value();
                    }
                }
            }
            return new Distribution(values[0], values[1], values[2], snapshot.count());
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

    /** Writes every figure in Prometheus text exposition (format 0.0.4) to {@code out}. */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out);
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        gauge("switchboard.connections", "Open WebSocket connections on this node", connections::size);
        gauge("switchboard.users", "Users with at least one connection on this node", connections::userCount);
        gauge("switchboard.rooms", "Rooms with members on this node", () -> rooms.rooms().size());
        counter("switchboard.slow.consumer.cuts", "Connections cut because they read too slowly (4001)",
                t -> t.connections.slowConsumerCuts());
        counter("switchboard.heartbeat.reaps", "Connections closed by the heartbeat (4000)",
                t -> t.connections.heartbeatReaps());
        counter("switchboard.frames.delivered", "Frames handed to connections on this node", t -> t.traffic.delivered());
        for (String kind : List.of("message", "broadcast", "room")) {
            counter("switchboard.frames.out", "Frames handed to connections, by kind", t -> t.traffic.delivered(kind),
                    "type", kind);
        }
        counter("switchboard.bytes.in", "UTF-8 bytes of client text frames received", t -> t.traffic.bytesIn());
        counter("switchboard.bytes.out", "UTF-8 bytes of frames handed to connections", t -> t.traffic.bytesOut());
        for (String direction : List.of("out", "in")) {
            for (String form : List.of("raw", "wire")) {
                counter("switchboard.deflate.bytes", "Bytes of permessage-deflate messages before (raw) and after "
                        + "(wire) compression, by direction", t -> t.traffic.deflateBytes(direction, form),
                        "direction", direction, "form", form);
            }
        }
        counter("switchboard.relay.published", "Relay payloads published to Redis", t -> t.traffic.relayPublished());
        counter("switchboard.relay.received", "Relay payloads received from Redis", t -> t.traffic.relayReceived());
        for (String type : FRAME_TYPES) {
            counter("switchboard.frames.in", "Client frames received, by type", t -> t.traffic.framesIn(type),
                    "type", type);
        }
        for (ErrorCode code : ErrorCode.values()) {
            counter("switchboard.errors", "Error replies (WebSocket error frames), by code", t -> t.traffic.errors(code),
                    "code", code.slug());
        }
        // The unit in the name, as the figures have always been published; no base unit, so no suffix.
        lag = distribution("switchboard.relay.lag.ms",
                "Time from a relay payload's publish on its origin node to its receipt here, ms (subscriber lag)");
        traffic.recordRelayLagIn(lag::record);
        redis = distribution("switchboard.redis.round.trip.us",
                "Round trip of Redis commands and scripts on the message paths, microseconds");
        traffic.recordRedisRoundTripIn(nanos -> redis.record(nanos / 1000.0));
        delivery = distribution("switchboard.delivery.latency.us",
                "From the gateway accepting a message to handing it to this node's connections, microseconds");
        traffic.recordDeliveryLatencyIn(nanos -> delivery.record(nanos / 1000.0));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @PreDestroy
    void close() {
        gc.close();
        registry.close();
    }

    private DistributionSummary distribution(String name, String description) {
        return DistributionSummary.builder(name).description(description).publishPercentiles(PERCENTILES)
                .register(registry);
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).strongReference(true).register(registry);
    }

    /** A count since start (Prometheus adds {@code _total}), read from this bean's collaborators when scraped. */
    private void counter(String name, String description, ToDoubleFunction<GatewayMetrics> value, String... tags) {
        FunctionCounter.builder(name, this, value).description(description).tags(Tags.of(tags)).register(registry);
    }
}
