package io.switchboard.heartbeat;

import java.time.Duration;

/**
 * When to ping a connection and when to give up on it: ping every {@code interval}; a connection is dead
 * once nothing (pong or frame) arrived from it for {@code interval + timeout} <em>and</em> its latest ping
 * has gone unanswered for at least {@code timeout}. The second condition matters because sweeps are
 * coarse and jittery (Payara's EJB timers tick at most once a second): judging by silence alone, a ping
 * sent by a late sweep could be followed by a reap on the next tick, leaving the client far less than
 * {@code timeout} to answer. Pure and immutable.
 */
public record HeartbeatPolicy(long intervalNanos, long timeoutNanos) {

    /** What the sweep does to one connection. */
    public enum Action { NOTHING, PING, REAP }

    public static HeartbeatPolicy of(Duration interval, Duration timeout) {
        return new HeartbeatPolicy(interval.toNanos(), timeout.toNanos());
    }

    public Action decide(long nowNanos, long lastSeenNanos, long lastPingNanos) {
        boolean awaitingPong = lastPingNanos - lastSeenNanos > 0;
        if (awaitingPong) {
            // No second ping while one is unanswered: each new ping would restart the client's time to answer.
            boolean silentTooLong = nowNanos - lastSeenNanos >= intervalNanos + timeoutNanos;
            boolean pingUnanswered = nowNanos - lastPingNanos >= timeoutNanos;
            return silentTooLong && pingUnanswered ? Action.REAP : Action.NOTHING;
        }
        return nowNanos - lastPingNanos >= intervalNanos ? Action.PING : Action.NOTHING;
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
