package io.switchboard.inbox;

import io.switchboard.protocol.MessageId;
import java.util.List;
import java.util.Optional;

/**
 * What a connecting device needs from its user's inbox, read in one step ({@link Inbox#open}): the point it
 * asked to resume after (its {@code since}, else its last ack), the newest id the user was sent (only read
 * when it asked for nothing), the newest id retention removed (only read when it asked), and the first page of
 * messages after that point. {@code announced}: the same step made the connection visible gateway-wide (its
 * presence entry), so that every message stored after the read is routed to it. Immutable.
 */
public record InboxOpening(Optional<MessageId> requested, Optional<MessageId> seen, MessageId trimmed,
        List<StoredMessage> firstPage, boolean announced) {

    public InboxOpening {
        firstPage = List.copyOf(firstPage);
    }
}
