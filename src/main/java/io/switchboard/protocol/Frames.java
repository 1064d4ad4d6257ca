package io.switchboard.protocol;

import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Encodes server → client frames. Each method returns the finished JSON text, so a frame fanned out to
 * many connections is encoded once. Stateless and thread-safe.
 */
public final class Frames {

    /** An id field left empty, where a template's id goes. */
    private static final String EMPTY_ID = "\"id\":\"\"";

    private Frames() {
    }

    /**
     * The first frame of every connection. {@code device} is what its acks are recorded under;
     * {@code recovered} (omitted when nothing is stored) is false when messages the client asked to resume
     * from were already removed by retention: it must reload its state. {@code storedUnavailable} says
     * {@code "stored":"unavailable"} when the stored messages could not be read (Redis unreachable): nothing
     * was replayed, and the client should reconnect later with the same {@code since} rather than reload.
     * {@code expiresAt} (epoch seconds, left out when 0) is when the connection's token expires: the client
     * sends a new one with {@code auth} before then.
     */
    public static String welcome(String connectionId, String user, String node, long heartbeatMs, String device,
            Boolean recovered, boolean storedUnavailable, long expiresAt) {
        return write(g -> {
            g.write("type", "welcome")
                    .write("connectionId", connectionId)
                    .write("user", user)
                    .write("node", node)
                    .write("heartbeatMs", heartbeatMs)
                    .write("device", device);
            if (recovered != null) {
                g.write("recovered", recovered);
            }
            if (storedUnavailable) {
                g.write("stored", "unavailable");
            }
            if (expiresAt > 0) {
                g.write("expiresAt", expiresAt);
            }
        });
    }

    /** The reply to a successful {@code auth}: the connection now runs on a token expiring at {@code expiresAt} (epoch s). */
    public static String authenticated(JsonValue requestId, long expiresAt) {
        return write(g -> {
            g.write("type", "ack");
            writeId(g, requestId);
            g.write("expiresAt", expiresAt);
        });
    }

    /** A direct message whose id the store assigns: {@link #message} with the id left out. */
    public static FrameTemplate messageTemplate(String from, List<String> to, JsonValue content, long ts) {
        return templateOf(message("", from, to, content, ts));
    }

    /** A room message whose id the store assigns: {@link #roomMessage} with the id left out. */
    public static FrameTemplate roomMessageTemplate(String room, String from, JsonValue content, long ts) {
        return templateOf(roomMessage("", room, from, content, ts));
    }

    /** Splits a frame written with an empty id around it: the first {@code "id":""} is ours (it precedes content). */
    private static FrameTemplate templateOf(String frame) {
        int at = frame.indexOf(EMPTY_ID);
        if (at < 0) {
            throw new IllegalStateException("no empty id in " + frame);
        }
        int idStart = at + EMPTY_ID.length() - 1;
        return new FrameTemplate(frame.substring(0, idStart), frame.substring(idStart));
    }

    /**
     * The reply to {@code history}: stored room messages, oldest first, each exactly as it was delivered;
     * {@code recovered} false when messages after {@code since} were already removed by retention.
     */
    public static String history(JsonValue requestId, String room, List<String> frames, boolean recovered) {
        String head = write(g -> {
            g.write("type", "history");
            writeId(g, requestId);
            g.write("room", room).write("recovered", recovered);
        });
        // the stored frames are finished JSON objects: spliced in as they are, not parsed again
        return head.substring(0, head.length() - 1) + ",\"messages\":[" + String.join(",", frames) + "]}";
    }

    /** The reply to a client's {@code ack}: the device's recorded position. */
    public static String acked(JsonValue requestId, MessageId upTo) {
        return write(g -> {
            g.write("type", "acked");
            writeId(g, requestId);
            g.write("upTo", upTo.toString());
        });
    }

    /** The delivery of a direct message, identical for every recipient connection. */
    public static String message(String messageId, String from, List<String> to, JsonValue content, long ts) {
        return write(g -> {
            g.write("type", "message").write("id", messageId).write("from", from);
            g.writeStartArray("to");
            to.forEach(g::write);
            g.writeEnd();
            g.write("content", content).write("ts", ts);
        });
    }

    /** The delivery of a broadcast, identical for every connection. */
    public static String broadcast(String messageId, String from, JsonValue content, long ts) {
        return write(g -> g.write("type", "broadcast").write("id", messageId).write("from", from)
                .write("content", content).write("ts", ts));
    }

    /**
     * The sender's acknowledgement of a direct message; {@code undelivered} (online recipients that could
     * not be reached) and {@code "relay":"unavailable"} appear only when they apply.
     */
    public static String messageAck(JsonValue requestId, String messageId, Map<String, Integer> delivered,
            List<String> offline, List<String> undelivered, List<String> unknown, boolean relayUnavailable) {
        return write(g -> {
            g.write("type", "ack");
            writeId(g, requestId);
            g.write("messageId", messageId);
            g.writeStartObject("delivered");
            delivered.forEach(g::write);
            g.writeEnd();
            g.writeStartArray("offline");
            offline.forEach(g::write);
            g.writeEnd();
            if (!undelivered.isEmpty()) {
                g.writeStartArray("undelivered");
                undelivered.forEach(g::write);
                g.writeEnd();
            }
            if (!unknown.isEmpty()) {
                g.writeStartArray("unknown");
                unknown.forEach(g::write);
                g.writeEnd();
            }
            writeRelay(g, relayUnavailable);
        });
    }

    /** The sender's acknowledgement of a broadcast or room publish: how many connections it was handed to. */
    public static String fanOutAck(JsonValue requestId, String messageId, int delivered, boolean relayUnavailable) {
        return write(g -> {
            g.write("type", "ack");
            writeId(g, requestId);
            g.write("messageId", messageId).write("delivered", delivered);
            writeRelay(g, relayUnavailable);
        });
    }

    /** The delivery of a room message, identical for every member connection. */
    public static String roomMessage(String messageId, String room, String from, JsonValue content, long ts) {
        return write(g -> g.write("type", "message").write("room", room).write("id", messageId).write("from", from)
                .write("content", content).write("ts", ts));
    }

    /** The reply to {@code join}: the room's member count (users, gateway-wide) and up to a capped list of them. */
    public static String joined(JsonValue requestId, String room, int members, List<String> users) {
        return joined(requestId, room, members, users, null);
    }

    /** {@link #joined} for a join with {@code since}: {@code recovered} says whether its history is complete. */
    public static String joined(JsonValue requestId, String room, int members, List<String> users, Boolean recovered) {
        return write(g -> {
            g.write("type", "joined");
            writeId(g, requestId);
            g.write("room", room).write("members", members);
            g.writeStartArray("users");
            users.forEach(g::write);
            g.writeEnd();
            if (recovered != null) {
                g.write("recovered", recovered);
            }
        });
    }

    /** The reply to {@code leave}, or ({@code requestId} null, {@code reason} "kicked") notice of a kick. */
    public static String left(JsonValue requestId, String room, String reason) {
        return write(g -> {
            g.write("type", "left");
            writeId(g, requestId);
            g.write("room", room);
            if (reason != null) {
                g.write("reason", reason);
            }
        });
    }

    /** The reply to {@code rooms}: rooms with their member counts; {@code next} is the cursor of the next page (null at the end). */
    public static String rooms(JsonValue requestId, Map<String, Integer> rooms, String next) {
        return write(g -> {
            g.write("type", "rooms");
            writeId(g, requestId);
            g.writeStartArray("rooms");
            rooms.forEach((room, members) -> g.writeStartObject().write("room", room).write("members", members).writeEnd());
            g.writeEnd();
            if (next == null) {
                g.writeNull("next");
            } else {
                g.write("next", next);
            }
        });
    }

    /** A user's first connection joined ({@code event} "join") or last one left ("leave") a room. */
    public static String presence(String room, PresenceEvent event, String user, int members) {
        return write(g -> g.write("type", "presence").write("room", room).write("event", event.wireName())
                .write("user", user).write("members", members));
    }

    /** A big room's member count, coalesced: no user, no event. */
    public static String memberCount(String room, int members) {
        return write(g -> g.write("type", "presence").write("room", room).write("members", members));
    }

    private static void writeRelay(JsonGenerator g, boolean relayUnavailable) {
        if (relayUnavailable) {
            g.write("relay", "unavailable");
        }
    }

    public static String pong(JsonValue requestId, long ts) {
        return write(g -> {
            g.write("type", "pong");
            writeId(g, requestId);
            g.write("ts", ts);
        });
    }

    public static String error(ErrorCode code, String message, JsonValue requestId) {
        return error(code, message, requestId, -1);
    }

    /** An error frame; {@code retryAfterMillis} ≥ 0 adds {@code retryAfterMs}, the wait before retrying. */
    public static String error(ErrorCode code, String message, JsonValue requestId, long retryAfterMillis) {
        return write(g -> {
            g.write("type", "error").write("code", code.status()).write("reason", code.slug())
                    .write("message", message);
            if (retryAfterMillis >= 0) {
                g.write("retryAfterMs", retryAfterMillis);
            }
            writeId(g, requestId);
        });
    }

    private static void writeId(JsonGenerator g, JsonValue requestId) {
        if (requestId != null) {
            g.write("id", requestId);
        }
    }

    private static String write(Consumer<JsonGenerator> body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JsonFactories.GENERATORS.createGenerator(out)) {
            g.writeStartObject();
            body.accept(g);
            g.writeEnd();
        }
        return out.toString();
    }
}
