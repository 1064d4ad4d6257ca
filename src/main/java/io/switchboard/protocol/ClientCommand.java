package io.switchboard.protocol;

import jakarta.json.JsonValue;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A decoded, validated client → server frame. Immutable; {@code id} is echoed in the reply (may be null). */
public sealed interface ClientCommand {

    JsonValue id();

    /** {@code {"type":"message","to":[...],"content":...}}: direct message to every connection of each user. */
    record SendMessage(JsonValue id, List<String> to, JsonValue content) implements ClientCommand {
        public SendMessage {
            to = List.copyOf(to);
        }
    }

    /** {@code {"type":"broadcast","content":...}}: to every connection; needs the broadcast group. */
    record Broadcast(JsonValue id, JsonValue content) implements ClientCommand {
    }

    /** {@code {"type":"ping"}}: application-level ping for clients that cannot send protocol pings. */
    record Ping(JsonValue id) implements ClientCommand {
    }

    /**
     * {@code {"type":"join","room":"lobby","since":"<id>"}}: this connection joins a room; with
     * {@code since}, the room's stored messages after that id follow the reply.
     */
    record Join(JsonValue id, String room, Optional<MessageId> since) implements ClientCommand {
    }

    /** {@code {"type":"history","room":"lobby","since":"<id>","limit":50}}: stored room messages. */
    record History(JsonValue id, String room, Optional<MessageId> since, OptionalInt limit) implements ClientCommand {
    }

    /** {@code {"type":"leave","room":"lobby"}}: this connection leaves a room. */
    record Leave(JsonValue id, String room) implements ClientCommand {
    }

    /** {@code {"type":"publish","room":"lobby","content":...,"echo":true}}: to every member connection of a room. */
    record Publish(JsonValue id, String room, JsonValue content, boolean echo) implements ClientCommand {
    }

    /** {@code {"type":"ack","upTo":"<message id>"}}: this device has processed stored messages up to that id. */
    record Acknowledge(JsonValue id, MessageId upTo) implements ClientCommand {
    }
}
