package io.switchboard.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link TokenBucket} per key (client IP, API key), for events that arrive on many threads at once.
 * Buckets that are full again are forgotten by {@link #forgetIdle}, so the map holds only the keys that
 * were busy lately; while it holds {@code maxKeys}, a new key is refused (a flood of distinct keys is
 * itself abuse). Thread-safe: each bucket is used under its own lock.
 */
public final class KeyedRateLimiter {
    private static final long FORGET_EVERY_NANOS = 10_000_000_000L;
    private final double perSecond;
    private final int burst;
    private final int maxKeys;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastForget = new AtomicLong(System.nanoTime());

    public KeyedRateLimiter(double perSecond, int burst, int maxKeys) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
    }

    /** Whether an event for {@code key} is allowed now; 0 if so, else milliseconds until it would be. */
    public long acquire(String key, long nowNanos) {
        long last = lastForget.get();
        if (nowNanos - last > FORGET_EVERY_NANOS && lastForget.compareAndSet(last, nowNanos)) {
            forgetIdle(nowNanos); // amortized: one caller in ten seconds pays for it
        }
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                return 1000;
            }
            bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, nowNanos));
        }
        synchronized (bucket) {
            return bucket.tryTake(nowNanos) ? 0 : Math.max(1, bucket.millisUntilNext(nowNanos));
        }
    }

    /** A wait from {@link #acquire} as a {@code Retry-After} header value: whole seconds, at least 1. */
    public static String retryAfterSeconds(long waitMillis) {
        return Long.toString(Math.max(1, (waitMillis + 999) / 1000));
    }

    /** Drops the buckets that are full again (done every ten seconds by {@link #acquire}). */
    public void forgetIdle(long nowNanos) {
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                return bucket.isFull(nowNanos);
            }
        });
    }

    /** Keys tracked now. */
    public int size() {
        return buckets.size();
    }
}
