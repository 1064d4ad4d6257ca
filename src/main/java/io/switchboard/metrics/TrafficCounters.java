package io.switchboard.metrics;

import io.switchboard.protocol.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's traffic counters: client frames by type, error replies by code, frames handed to
 * connections. {@link LongAdder}s, so the hot paths (any thread) only add; {@link GatewayMetrics}
 * exports them.
 */
@ApplicationScoped
public class TrafficCounters {
    private final Map<String, LongAdder> framesIn = new ConcurrentHashMap<>();
    private final Map<ErrorCode, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();

    /** A client frame arrived; {@code type} is its decoded type, or "invalid". */
    public void frameIn(String type) {
        framesIn.computeIfAbsent(type, t -> new LongAdder()).increment();
    }

    public void error(ErrorCode code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Frames (messages, broadcasts, room messages, presence events) handed to connections. */
    public void delivered(int frames) {
        delivered.add(frames);
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
