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
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether the bucket is full again (its owner has been quiet long enough to forget it). */
    public boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    /** Milliseconds until the next token (for {@code Retry-After}). */
    public long millisUntilNext(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano / 1e6);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            lastRefillNanos = nowNanos;
        }
    }
}
