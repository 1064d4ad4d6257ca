package io.switchboard.metrics;

import io.switchboard.protocol.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * This node's traffic counters: client frames by type, error replies by code, frames and bytes in and
 * out, relay payloads, and (through sinks) relay lag and Redis round trips. {@link LongAdder}s, so the hot paths (any thread) only add; {@link GatewayMetrics}
 * exports them.
 */
@ApplicationScoped
public class TrafficCounters {
    private final Map<String, LongAdder> framesIn = new ConcurrentHashMap<>();
    private final Map<ErrorCode, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final Map<String, LongAdder> deliveredByKind = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder deflatedRaw = new LongAdder();
    private final LongAdder deflatedWire = new LongAdder();
    private final LongAdder inflatedWire = new LongAdder();
    private final LongAdder inflatedRaw = new LongAdder();
    private final LongAdder relayPublished = new LongAdder();
    private final LongAdder relayReceived = new LongAdder();
    /** Where relay lags and Redis round trips go (histograms once {@link GatewayMetrics} registered them). */
    private volatile LongConsumer relayLagMillis = value -> { };
    private volatile LongConsumer redisRoundTripNanos = value -> { };
    private volatile LongConsumer deliveryLatencyNanos = value -> { };

    /** UTF-8 length of a text, without encoding it. */
    public static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** A client text frame of this many UTF-8 bytes arrived. */
    public void bytesIn(long bytes) {
        bytesIn.add(bytes);
    }

    /** Frames of this many UTF-8 bytes in all were handed to connections. */
    public void bytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    /** permessage-deflate sent a message of {@code rawBytes} as {@code wireBytes} of compressed payload. */
    public void deflated(long rawBytes, long wireBytes) {
        deflatedRaw.add(rawBytes);
        deflatedWire.add(wireBytes);
    }

    /** permessage-deflate inflated a client frame of {@code wireBytes} to {@code rawBytes}. */
    public void inflated(long wireBytes, long rawBytes) {
        inflatedWire.add(wireBytes);
        inflatedRaw.add(rawBytes);
    }

    /** One relay payload was published to Redis (direct, broadcast, room, kick). */
    public void published() {
        relayPublished.increment();
    }

    /** One relay payload arrived from Redis, {@code lagMillis} after its origin sent it (-1 if unknown). */
    public void relayReceived(long lagMillis) {
        relayReceived.increment();
        if (lagMillis >= 0) {
            relayLagMillis.accept(lagMillis);
        }
    }

    /** One Redis command or script round trip took this long. */
    public void redisRoundTrip(long nanos) {
        redisRoundTripNanos.accept(nanos);
    }

    /**
     * A message was handed to this node's connections this long after the gateway accepted it (on a
     * cluster: from its publish on the origin node, by the origin's clock).
     */
    public void deliveryLatency(long nanos) {
        deliveryLatencyNanos.accept(nanos);
    }

    void recordDeliveryLatencyIn(LongConsumer sink) {
        deliveryLatencyNanos = sink;
    }

    void recordRelayLagIn(LongConsumer sink) {
        relayLagMillis = sink;
    }

    void recordRedisRoundTripIn(LongConsumer sink) {
        redisRoundTripNanos = sink;
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Bytes of compressed messages before ({@code raw}) or after ({@code wire}) compression, by direction. */
    public long deflateBytes(String direction, String form) {
        boolean raw = form.equals("raw");
        if (direction.equals("out")) {
            return (raw ? deflatedRaw : deflatedWire).sum();
        }
        return (raw ? inflatedRaw : inflatedWire).sum();
    }

    public long relayPublished() {
        return relayPublished.sum();
    }

    public long relayReceived() {
        return relayReceived.sum();
    }

    /** Client frames by type so far. */
    public Map<String, Long> framesIn() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        framesIn.forEach((type, count) -> counts.put(type, count.sum()));
        return counts;
    }

    /** Error replies by code so far. */
    public Map<String, Long> errors() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        errors.forEach((code, count) -> counts.put(code.slug(), count.sum()));
        return counts;
    }

    /** A client frame arrived; {@code type} is its decoded type, or "invalid". */
    public void frameIn(String type) {
        framesIn.computeIfAbsent(type, t -> new LongAdder()).increment();
    }

    public void error(ErrorCode code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Frames handed to connections, by kind: "message" (direct), "broadcast", "room" (messages and presence). */
    public void delivered(String kind, int frames) {
        delivered.add(frames);
        deliveredByKind.computeIfAbsent(kind, k -> new LongAdder()).add(frames);
    }

    public long delivered(String kind) {
        LongAdder count = deliveredByKind.get(kind);
        return count == null ? 0 : count.sum();
    }

    public long framesIn(String type) {
        LongAdder count = framesIn.get(type);
        return count == null ? 0 : count.sum();
    }

    public long errors(ErrorCode code) {
        LongAdder count = errors.get(code);
        return count == null ? 0 : count.sum();
    }

    public long delivered() {
        return delivered.sum();
    }
}
