package io.switchboard.routing;

import io.switchboard.protocol.MessageId;
import java.util.List;

/**
 * A message on its way to connections: an already encoded frame and who should get it. Immutable, so
 * it can cross threads (and nodes) as is. {@code recipients} is empty for a broadcast; {@code storedId}
 * is the inbox id of a stored direct message (null otherwise), which lets a connection that is replaying
 * stored messages drop the live copy of one it already replayed.
 */
public record Envelope(String messageId, List<String> recipients, boolean broadcast, String frame, MessageId storedId) {

    public Envelope {
        recipients = List.copyOf(recipients);
        if (broadcast != recipients.isEmpty()) {
            throw new IllegalArgumentException("a broadcast has no recipients; a direct message has some");
        }
    }

    public static Envelope toUsers(String messageId, List<String> recipients, String frame) {
        return new Envelope(messageId, recipients, false, frame, null);
    }

    /** A stored direct message: its message id is its inbox id. */
    public static Envelope stored(MessageId id, List<String> recipients, String frame) {
        return new Envelope(id.toString(), recipients, false, frame, id);
    }

    public static Envelope toEveryone(String messageId, String frame) {
        return new Envelope(messageId, List.of(), true, frame, null);
    }
}
