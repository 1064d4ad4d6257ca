package io.switchboard.pusher;

import io.switchboard.protocol.JsonFactories;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.function.Consumer;

/**
 * The frames a Pusher client gets, written as pusher-js reads them: {@code {"event", "channel"?, "data"}} where
 * {@code data} is a JSON-encoded string for connection, subscription and channel events (the protocol's
 * double encoding) and an object for {@code pusher:error} and {@code pusher:subscription_error}.
 * Stateless; each call returns a finished frame.
 */
public final class PusherFrames {
    private PusherFrames() {
    }

    /** The first frame of a connection: its socket id and how long it may stay silent. */
    public static String connectionEstablished(String socketId, int activityTimeoutSeconds) {
        String data = write(g -> g.writeStartObject().write("socket_id", socketId)
                .write("activity_timeout", activityTimeoutSeconds).writeEnd());
        return write(g -> g.writeStartObject().write("event", "pusher:connection_established").write("data", data).writeEnd());
    }

    /** The answer to a client's {@code pusher:ping}. */
    public static String pong() {
        return "{\"event\":\"pusher:pong\",\"data\":\"{}\"}";
    }

    /** A server ping: the client answers {@code pusher:pong}. */
    public static String ping() {
        return "{\"event\":\"pusher:ping\",\"data\":\"{}\"}";
    }

    /** {@code pusher:error} with one of Pusher's codes; a close with the same code follows for the closing ones. */
    public static String error(PusherError error, String message) {
        return write(g -> g.writeStartObject().write("event", "pusher:error").writeStartObject("data")
                .write("code", error.code()).write("message", message).writeEnd().writeEnd());
    }

    /** A subscription the server took; {@code data} is the JSON text of its payload ({@code {}}, or presence's). */
    public static String subscriptionSucceeded(String channel, String data) {
        return event("pusher_internal:subscription_succeeded", channel, data, null);
    }

    /**
     * A subscription the server refused, as pusher-js surfaces it to {@code subscription_error} handlers:
     * {@code type} ("AuthError"...), the HTTP-like {@code status} and a readable {@code error}.
     */
    public static String subscriptionError(String channel, String type, int status, String error) {
        return write(g -> g.writeStartObject().write("event", "pusher:subscription_error").write("channel", channel)
                .writeStartObject("data").write("type", type).write("error", error).write("status", status)
                .writeEnd().writeEnd());
    }

    /**
     * An event on a channel; {@code data} is the event's data string as published, {@code userId} set for client
     * events on presence channels.
     */
    public static String event(String event, String channel, String data, String userId) {
        return write(g -> {
            g.writeStartObject().write("event", event).write("channel", channel).write("data", data);
            if (userId != null) {
                g.write("user_id", userId);
            }
            g.writeEnd();
        });
    }

    private static String write(Consumer<JsonGenerator> body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JsonFactories.GENERATORS.createGenerator(out)) {
            body.accept(g);
        }
        return out.toString();
    }
}
