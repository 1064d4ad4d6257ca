package io.switchboard.limits;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code perSecond}; each allowed event takes
 * one. Not thread-safe by itself: a connection's bucket is only touched by that connection's WebSocket
 * thread (one frame at a time), and {@link KeyedRateLimiter} locks shared ones.
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastRefillNanos;

    public TokenBucket(double perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastRefillNanos = nowNanos;
    }

    /** Takes a token if there is one. */
    public boolean tryTake(long nowNanos) {
        return tryTake(1, nowNanos);
    }

    /**
     * Takes {@code cost} tokens if there are that many, or if the bucket is full (so an event costing more
     * than the burst is not refused for ever: it leaves the bucket in debt, paid back at the rate).
     */
    public boolean tryTake(double cost, long nowNanos) {
        refill(nowNanos);
        if (tokens >= Math.min(cost, burst)) {
            tokens -= cost;
            return true;
        }
        return false;
    }

    /** Gives back {@code cost} tokens taken for an event that did not happen after all. */
    public void giveBack(double cost) {
        tokens = Math.min(burst, tokens + cost);
    }

    /** Whether the bucket is full again (its owner has been quiet long enough to forget it). */
    public boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    /** Milliseconds until the next token (for {@code Retry-After}). */
    public long millisUntilNext(long nowNanos) {
        return millisUntil(1, nowNanos);
    }

    /** Milliseconds until {@link #tryTake(double, long)} of {@code cost} would succeed. */
    public long millisUntil(double cost, long nowNanos) {
        refill(nowNanos);
        double needed = Math.min(cost, burst);
        return tokens >= needed ? 0 : (long) Math.ceil((needed - tokens) / perNano / 1e6);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            lastRefillNanos = nowNanos;
        }
    }
}
