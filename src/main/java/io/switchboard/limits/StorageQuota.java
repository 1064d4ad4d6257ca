package io.switchboard.limits;

import io.switchboard.config.LimitSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.security.Identity;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How fast one client sender may make this node store messages, so that no client can fill Redis (or the
 * in-memory store): per user, copies per second (a direct message stores one copy per recipient, a room
 * message one) and bytes per second (frame size × copies), each a token bucket with a burst. A token
 * claim ({@code switchboard.limits.storage-quota-claim}) multiplies both for trusted senders. Backends
 * (HTTP API) are not charged: they are trusted and rate-limited per credential. Per node: a user with
 * connections on N nodes may store N times as much. Called on WebSocket threads; thread-safe.
 */
@ApplicationScoped
public class StorageQuota {

    @Inject
    SwitchboardConfig config;

    private KeyedRateLimiter copies;
    private KeyedRateLimiter bytes;

    public StorageQuota() {
    }

    /** For tests: a quota outside CDI. */
    public StorageQuota(SwitchboardConfig config) {
        this.config = config;
        init();
    }

    @PostConstruct
    void init() {
        LimitSettings limits = config.limits();
        copies = new KeyedRateLimiter(limits.storedCopiesPerSecond(), limits.storedCopiesBurst(), limits.trackedClients());
        bytes = new KeyedRateLimiter(limits.storedBytesPerSecond(), limits.storedBytesBurst(), limits.trackedClients());
    }

    /**
     * Charges {@code sender} for storing {@code copyCount} copies of a frame of {@code frameBytes}, or
     * refuses with 429 {@code storage-quota} and the wait until it would fit (nothing is charged then).
     */
    public void charge(Identity sender, int copyCount, long frameBytes, long nowNanos) {
        double scale = sender.storageQuotaScale();
        long totalBytes = frameBytes * copyCount;
        long waitForCopies = copies.acquire(sender.user(), copyCount, scale, nowNanos);
        if (waitForCopies > 0) {
            throw ProtocolException.retryAfter(ErrorCode.STORAGE_QUOTA, "Storing " + copyCount
                    + " copies now would exceed this sender's quota of "
                    + (long) (config.limits().storedCopiesPerSecond() * scale)
                    + " copies per second", waitForCopies);
        }
        long waitForBytes = bytes.acquire(sender.user(), totalBytes, scale, nowNanos);
        if (waitForBytes > 0) {
            copies.refund(sender.user(), copyCount);
            throw ProtocolException.retryAfter(ErrorCode.STORAGE_QUOTA, "Storing " + totalBytes
                    + " bytes now would exceed this sender's quota of " + (long) (config.limits().storedBytesPerSecond() * scale)
                    + " bytes per second", waitForBytes);
        }
    }
}
