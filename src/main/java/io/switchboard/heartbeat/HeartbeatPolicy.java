package io.switchboard.heartbeat;

import java.time.Duration;

/**
 * When to ping a connection and when to give up on it: ping every {@code interval}; a connection from
 * which nothing (pong or frame) arrived for {@code interval + timeout} is dead. Pure and immutable.
 */
public record HeartbeatPolicy(long intervalNanos, long timeoutNanos) {

    /** What the sweep does to one connection. */
    public enum Action { NOTHING, PING, REAP }

    public static HeartbeatPolicy of(Duration interval, Duration timeout) {
        return new HeartbeatPolicy(interval.toNanos(), timeout.toNanos());
    }

    public Action decide(long nowNanos, long lastSeenNanos, long lastPingNanos) {
        if (nowNanos - lastSeenNanos >= intervalNanos + timeoutNanos) {
            return Action.REAP;
        }
        if (nowNanos - lastPingNanos >= intervalNanos) {
            return Action.PING;
        }
        return Action.NOTHING;
    }

    /**
     * How often the sweep runs: often enough that a dead connection is found within a small fraction of
     * the timeout after its deadline (at most every second, at least every 100 ms; the EJB container may
     * impose its own minimum, 1 s on Payara by default).
     */
    public Duration sweepPeriod() {
        long fraction = Math.min(intervalNanos, timeoutNanos) / 4;
        return Duration.ofNanos(Math.max(Duration.ofMillis(100).toNanos(), Math.min(Duration.ofSeconds(1).toNanos(), fraction)));
    }
}
