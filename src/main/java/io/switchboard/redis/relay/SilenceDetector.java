package io.switchboard.redis.relay;

/**
 * Decides when a Redis subscription has gone silent: a ping sent on it stayed unanswered (no pong, no
 * message) for longer than the timeout. Counting from the unanswered ping, not from the last thing heard,
 * keeps a late timer tick (a saturated CPU, a GC pause) from condemning a healthy subscription: it was
 * answered, it just was not asked again in time.
 *
 * <p>Threads: {@link #heard} on the subscriber thread, {@link #check} on the timer thread (one at a time).
 */
final class SilenceDetector {
    /** What the timer should do now. */
    enum Action { PING, WAIT, CUT }

    private final long timeoutNanos;
    private volatile long lastHeardNanos;
    private volatile long pingSentNanos;
    private volatile boolean pingOutstanding;

    SilenceDetector(long timeoutNanos, long nowNanos) {
        this.timeoutNanos = timeoutNanos;
        this.lastHeardNanos = nowNanos;
    }

    /** Something came in on the subscription (a message, a pong, the subscribe): it is alive now. */
    void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
    }

    /**
     * Timer tick: {@code PING} when no ping is waiting for its answer (send one now), {@code WAIT} while
     * one is and its timeout has not passed, {@code CUT} once it has.
     */
    Action check(long nowNanos) {
        if (pingOutstanding && lastHeardNanos - pingSentNanos < 0) {
            return nowNanos - pingSentNanos > timeoutNanos ? Action.CUT : Action.WAIT;
        }
        pingSentNanos = nowNanos;
        pingOutstanding = true;
        return Action.PING;
    }

    /** How long the unanswered ping has waited, for the log. */
    long waitedNanos(long nowNanos) {
        return nowNanos - pingSentNanos;
    }
}
