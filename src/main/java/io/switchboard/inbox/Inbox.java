package io.switchboard.inbox;

import io.switchboard.protocol.MessageId;
import java.util.List;
import java.util.Optional;

/**
 * The read side of stored messages (users' inboxes, rooms' histories), and where each device got to. Writing happens with delivery,
 * in the broker, so that a message is stored before it is acknowledged and delivered in id order.
 * Implementations: {@link InMemoryInbox} (one node) and the Redis inbox (a cluster). Called from
 * WebSocket threads (resume on connect, client acks); Redis calls are bounded by the Redis timeout.
 */
public interface Inbox {

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
