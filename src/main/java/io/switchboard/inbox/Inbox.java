package io.switchboard.inbox;

import io.switchboard.connection.Connection;
import io.switchboard.protocol.MessageId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The read side of stored messages (users' inboxes, rooms' histories), and where each device got to. Writing happens with delivery,
 * in the broker, so that a message is stored before it is acknowledged and delivered in id order.
 * Implementations: {@link InMemoryInbox} (one node) and the Redis inbox (a cluster). Called from
 * WebSocket threads (resume on connect, client acks); Redis calls are bounded by the Redis timeout.
 */
public interface Inbox {

    /**
     * Reads what the connecting device needs to resume ({@link InboxOpening}): where it resumes from and the
     * first {@code pageSize} messages after that point. Here, on the caller's thread, from the read methods
     * below; the Redis inbox instead does it in one atomic step off the caller's thread, together with the
     * connection's presence entry ({@link InboxOpening#announced}). The stage completes on a thread that must
     * not block; exceptionally when the store cannot be read, or with
     * {@link java.util.concurrent.RejectedExecutionException} when it is too busy to take the read now.
     */
    default CompletionStage<InboxOpening> open(Connection connection, Optional<MessageId> since, int pageSize) {
        try {
            Optional<MessageId> requested = since.or(() -> cursor(connection.user(), connection.device()));
            Optional<MessageId> seen = requested.isPresent() ? Optional.empty() : seen(connection.user());
            MessageId trimmed = requested.isPresent() ? trimmedUpTo(connection.user()) : MessageId.ZERO;
            MessageId from = requested.or(() -> seen).orElse(MessageId.ZERO);
            return CompletableFuture.completedStage(
                    new InboxOpening(requested, seen, trimmed, read(connection.user(), from, pageSize), false));
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /** Up to {@code limit} of the user's messages after {@code after}, oldest first. */
    List<StoredMessage> read(String user, MessageId after, int limit);

    /**
     * The newest id removed from the user's inbox by retention ({@link MessageId#ZERO} if none): a client
     * that resumes from an older id has missed messages for good.
     */
    MessageId trimmedUpTo(String user);

    /** Up to {@code limit} of the room's stored messages after {@code after}, oldest first. */
    List<StoredMessage> readRoom(String room, MessageId after, int limit);

    /** The room's newest {@code limit} stored messages, oldest first. */
    List<StoredMessage> latestOfRoom(String room, int limit);

    /** The newest id retention removed from the room's history ({@link MessageId#ZERO} if none). */
    MessageId roomTrimmedUpTo(String room);

    /** The last message a device acknowledged, if it ever did. */
    Optional<MessageId> cursor(String user, String device);

    /** Records a device's acknowledgement; never moves its cursor back. */
    void saveCursor(String user, String device, MessageId upTo);

    /** The newest message delivered to any connection of the user (live or replayed), if any. */
    Optional<MessageId> seen(String user);

    /** Records that the user's connections got everything up to {@code id}; never moves back. */
    void markSeen(String user, MessageId id);
}
