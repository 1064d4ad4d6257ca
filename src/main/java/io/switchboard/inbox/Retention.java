package io.switchboard.inbox;

import io.switchboard.protocol.MessageId;
import java.time.Duration;

/** The one rule for whether a stream (an inbox, a room's history) still holds everything after a point. */
public final class Retention {

    private Retention() {
    }

    /**
     * True when nothing after {@code since} is lost: retention removed nothing after it ({@code trimmedUpTo},
     * the newest id it removed, is not later) and it is not older than {@code maxAge} (its messages could
     * otherwise have expired with the whole stream, leaving no trimmed marker). {@link MessageId#ZERO}, from
     * the start, counts as recovered when nothing was trimmed.
     */
    public static boolean recovered(MessageId since, MessageId trimmedUpTo, Duration maxAge, long nowMillis) {
        return !trimmedUpTo.isAfter(since) && (since.equals(MessageId.ZERO) || since.millis() >= nowMillis - maxAge.toMillis());
    }
}
