package io.switchboard.protocol;

import jakarta.json.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** A decoded, validated client → server frame. Immutable; {@code id} is echoed in the reply (may be null). */
public sealed interface ClientCommand {

    JsonValue id();

    /** Which command this is: every record names one, so every type a client can send is listed there. */
    Type kind();

    /** The frame's {@code type}, as the client wrote it. */
    default String type() {
        return kind().wire();
    }

    /** Every frame type a client may send. */
    enum Type {
        MESSAGE, BROADCAST, AUTH, PING, JOIN, HISTORY, ROOMS, LEAVE, PUBLISH, ACK;

        /** As written in the frame's {@code type} field. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code {"type":"message","to":[...],"content":...,"store":false}}: direct message to every connection of
     * each user; stored for them unless {@code store} is false (then live only: a transient message).
     */
    record SendMessage(JsonValue id, List<String> to, JsonValue content, boolean store) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.MESSAGE;
        }
        public SendMessage {
            to = List.copyOf(to);
        }
    }

    /** {@code {"type":"broadcast","content":...}}: to every connection; needs the broadcast group. */
    record Broadcast(JsonValue id, JsonValue content) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.BROADCAST;
        }
    }

    /**
     * {@code {"type":"auth","token":"<jwt>"}}: replaces the connection's token (same user) before it expires.
     * {@code toString} leaves the token out: it must never reach a log.
     */
    record Authenticate(JsonValue id, String token) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.AUTH;
        }

        @Override
        public String toString() {
            return "Authenticate[id=" + id + "]";
        }
    }

    /** {@code {"type":"ping"}}: application-level ping for clients that cannot send protocol pings. */
    record Ping(JsonValue id) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.PING;
        }
    }

    /**
     * {@code {"type":"join","room":"lobby","since":"<id>"}}: this connection joins a room; with
     * {@code since}, the room's stored messages after that id follow the reply.
     */
    record Join(JsonValue id, String room, Optional<MessageId> since) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.JOIN;
        }
    }

    /** {@code {"type":"history","room":"lobby","since":"<id>","limit":50}}: stored room messages. */
    record History(JsonValue id, String room, Optional<MessageId> since, OptionalInt limit) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.HISTORY;
        }
    }

    /**
     * {@code {"type":"rooms","after":"<room>","limit":50}}: one page of the gateway's rooms with members that
     * this user may join, with their member counts.
     */
    record ListRooms(JsonValue id, Optional<String> after, int limit) implements ClientCommand {
        /** Largest page a client may ask for. */
        public static final int MAX_LIMIT = 100;

        @Override
        public Type kind() {
            return Type.ROOMS;
        }
    }

    /** {@code {"type":"leave","room":"lobby"}}: this connection leaves a room. */
    record Leave(JsonValue id, String room) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.LEAVE;
        }
    }

    /** {@code {"type":"publish","room":"lobby","content":...,"echo":true}}: to every member connection of a room. */
    record Publish(JsonValue id, String room, JsonValue content, boolean echo) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.PUBLISH;
        }
    }

    /** {@code {"type":"ack","upTo":"<message id>"}}: this device has processed stored messages up to that id. */
    record Acknowledge(JsonValue id, MessageId upTo) implements ClientCommand {
        @Override
        public Type kind() {
            return Type.ACK;
        }
    }
}
