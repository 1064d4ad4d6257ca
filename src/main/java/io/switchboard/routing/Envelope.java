package io.switchboard.routing;

import java.util.List;

/**
 * A message on its way to connections: an already encoded frame and who should get it. Immutable, so
 * it can cross threads (and, later, nodes) as is. {@code recipients} is empty for a broadcast.
 */
public record Envelope(String messageId, List<String> recipients, boolean broadcast, String frame) {

    public Envelope {
        recipients = List.copyOf(recipients);
        if (broadcast != recipients.isEmpty()) {
            throw new IllegalArgumentException("a broadcast has no recipients; a direct message has some");
        }
    }

    public static Envelope toUsers(String messageId, List<String> recipients, String frame) {
        return new Envelope(messageId, recipients, false, frame);
    }

    public static Envelope toEveryone(String messageId, String frame) {
        return new Envelope(messageId, List.of(), true, frame);
    }
}
