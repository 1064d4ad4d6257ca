package io.switchboard.inbox;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The in-memory store's idempotency keys: each {@code Idempotency-Key} a request was stored under, with the id it
 * got and a digest of the request, for one window. Insertion order is expiry order (one window for all), so
 * expired keys and, under memory pressure, the oldest ones go first. Each key's estimated heap counts in the
 * store's shared budget ({@code storedBytes}). Thread-safe: guarded by the map's monitor.
 */
final class IdempotencyKeys {
    private record Claimed(MessageId id, String requestDigest, long claimedAtMillis, long expiresAtMillis, long bytes) {
    }

    private final LinkedHashMap<String, Claimed> keys = new LinkedHashMap<>();
    private final AtomicLong storedBytes;

    IdempotencyKeys(AtomicLong storedBytes) {
        this.storedBytes = storedBytes;
    }

    /**
     * The id already stored under this key within the window, if any; 409 {@code idempotency-conflict} if it was
     * stored for a different request.
     */
    Optional<MessageId> claimed(Idempotency idempotency, long nowMillis) {
        Claimed previous;
        synchronized (keys) {
            drop(claimed -> claimed.expiresAtMillis() <= nowMillis);
            previous = keys.get(idempotency.scopedKey());
        }
        if (previous == null) {
            return Optional.empty();
        }
        if (!previous.requestDigest().equals(idempotency.requestDigest())) {
            throw new ProtocolException(ErrorCode.IDEMPOTENCY_CONFLICT,
                    "This Idempotency-Key was used with a different request (message " + previous.id() + ")");
        }
        return Optional.of(previous.id());
    }

    /** Remembers that the request was stored as {@code id} until {@code expiresAtMillis}; counts it in the budget. */
    void claim(Idempotency idempotency, MessageId id, long nowMillis, long expiresAtMillis) {
        long bytes = 2L * (idempotency.scopedKey().length() + idempotency.requestDigest().length()) + 160;
        Claimed claimed = new Claimed(id, idempotency.requestDigest(), nowMillis, expiresAtMillis, bytes);
        synchronized (keys) {
            Claimed replaced = keys.remove(idempotency.scopedKey()); // re-inserted last: expiry order
            if (replaced != null) {
                storedBytes.addAndGet(-replaced.bytes());
            }
            keys.put(idempotency.scopedKey(), claimed);
        }
        storedBytes.addAndGet(bytes);
    }

    int size() {
        synchronized (keys) {
            return keys.size();
        }
    }

    /** Evicts the oldest key if it was claimed before {@code millis}; whether it did. */
    boolean evictOldestIfClaimedBefore(long millis) {
        synchronized (keys) {
            if (keys.isEmpty()) {
                return false;
            }
            Claimed oldest = keys.values().iterator().next();
            if (oldest.claimedAtMillis() >= millis) {
                return false;
            }
            drop(claimed -> claimed == oldest);
            return true;
        }
    }

    /** Drops keys from the oldest while {@code drop} says so. Callers hold the map's monitor. */
    private void drop(Predicate<Claimed> drop) {
        Iterator<Claimed> oldestFirst = keys.values().iterator();
        while (oldestFirst.hasNext()) {
            Claimed claimed = oldestFirst.next();
            if (!drop.test(claimed)) {
                return;
            }
            oldestFirst.remove();
            storedBytes.addAndGet(-claimed.bytes());
        }
    }
}
