package io.switchboard.limits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link TokenBucket} per key (client address, API key), for events that arrive on many threads at
 * once. It tracks at most {@code maxKeys} keys: past that, the least recently used key is forgotten to make
 * room, so a flood of distinct keys (address rotation) costs the flooder its own history and never locks
 * out a new client. Buckets that are full again are dropped by {@link #forgetIdle}, so the map normally
 * holds only the keys that were busy lately. Thread-safe: the map is used under its own lock (a lookup
 * and an insert), each bucket under its own.
 */
public final class KeyedRateLimiter {
    private static final long FORGET_EVERY_NANOS = 10_000_000_000L;
    private final double perSecond;
    private final int burst;
    /** Access-ordered: iteration starts at the least recently used key. Guarded by itself. */
    private final LinkedHashMap<String, TokenBucket> buckets;
    private final AtomicLong lastForget = new AtomicLong(System.nanoTime());
    private final AtomicLong evicted = new AtomicLong();

    public KeyedRateLimiter(double perSecond, int burst, int maxKeys) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
                if (size() > maxKeys) {
                    evicted.incrementAndGet();
                    return true;
                }
                return false;
            }
        };
    }

    /** Whether an event for {@code key} is allowed now; 0 if so, else milliseconds until it would be. */
    public long acquire(String key, long nowNanos) {
        return acquire(key, 1, 1, nowNanos);
    }

    /**
     * Whether an event costing {@code cost} tokens is allowed for {@code key} now; 0 if so, else milliseconds
     * until it would be. A key first seen gets a bucket {@code scale} times the configured rate and burst.
     */
    public long acquire(String key, double cost, double scale, long nowNanos) {
        long last = lastForget.get();
        if (nowNanos - last > FORGET_EVERY_NANOS && lastForget.compareAndSet(last, nowNanos)) {
            forgetIdle(nowNanos); // amortized: one caller in ten seconds pays for it
        }
        TokenBucket bucket;
        synchronized (buckets) {
            bucket = buckets.get(key);
            if (bucket == null) {
                bucket = new TokenBucket(perSecond * scale, (int) Math.min(Integer.MAX_VALUE, burst * scale), nowNanos);
                buckets.put(key, bucket);
            }
        }
        synchronized (bucket) {
            return bucket.tryTake(cost, nowNanos) ? 0 : Math.max(1, bucket.millisUntil(cost, nowNanos));
        }
    }

    /** Gives back what an {@link #acquire} that succeeded took, for an event that did not happen after all. */
    public void refund(String key, double cost) {
        TokenBucket bucket;
        synchronized (buckets) {
            bucket = buckets.get(key);
        }
        if (bucket != null) {
            synchronized (bucket) {
                bucket.giveBack(cost);
            }
        }
    }

    /** A wait from {@link #acquire} as a {@code Retry-After} header value: whole seconds, at least 1. */
    public static String retryAfterSeconds(long waitMillis) {
        return Long.toString(Math.max(1, (waitMillis + 999) / 1000));
    }

    /** Drops the buckets that are full again (done every ten seconds by {@link #acquire}). */
    public void forgetIdle(long nowNanos) {
        synchronized (buckets) {
            buckets.values().removeIf(bucket -> {
                synchronized (bucket) {
                    return bucket.isFull(nowNanos);
                }
            });
        }
    }

    /** Keys tracked now. */
    public int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** Keys forgotten to make room since this limiter was made (their history lost: a sign of key rotation). */
    public long evicted() {
        return evicted.get();
    }
}
