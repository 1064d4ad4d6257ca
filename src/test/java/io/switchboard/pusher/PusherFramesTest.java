package io.switchboard.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The frames in the shapes pusher-js parses: {@code data} double-encoded where Pusher double-encodes it. */
class PusherFramesTest {
    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void theConnectionIsEstablishedWithItsSocketIdAndActivityTimeoutAsAJsonString() {
        JsonObject frame = json(PusherFrames.connectionEstablished("123.456", 120));
        assertEquals("pusher:connection_established", frame.getString("event"));
        JsonObject data = json(frame.getString("data"));
        assertEquals("123.456", data.getString("socket_id"));
        assertEquals(120, data.getInt("activity_timeout"));
    }

    @Test
    void errorsCarryTheirCodeInAnObjectAndSubscriptionErrorsTheirStatus() {
        JsonObject error = json(PusherFrames.error(PusherError.APPLICATION_DOES_NOT_EXIST, "no app \"x\""));
        assertEquals("pusher:error", error.getString("event"));
        assertEquals(4001, error.getJsonObject("data").getInt("code"));
        assertEquals("no app \"x\"", error.getJsonObject("data").getString("message"));
        JsonObject refused = json(PusherFrames.subscriptionError("private-a", "AuthError", 401, "bad auth"));
        assertEquals("private-a", refused.getString("channel"));
        assertEquals(401, refused.getJsonObject("data").getInt("status"));
        assertEquals("AuthError", refused.getJsonObject("data").getString("type"));
    }

    @Test
    void eventsPassTheirDataStringThroughAndNameTheSenderOnPresenceChannels() {
        String data = "{\"price\":\"1.5\",\"quote\":\"a \\\"b\\\"\"}";
        JsonObject event = json(PusherFrames.event("updated", "prices", data, null));
        assertEquals(data, event.getString("data"), "the data string arrives exactly as published");
        assertFalse(event.containsKey("user_id"));
        assertEquals("alice", json(PusherFrames.event("client-typing", "presence-a", "{}", "alice")).getString("user_id"));
        assertEquals("{}", json(PusherFrames.subscriptionSucceeded("prices", "{}")).getString("data"));
        assertEquals("pusher:pong", json(PusherFrames.pong()).getString("event"));
        assertEquals("{}", json(PusherFrames.ping()).getString("data"));
    }

    @Test
    void closeCodesMeanWhatTheyMeanToPusherJs() {
        assertFalse(PusherError.APPLICATION_DOES_NOT_EXIST.clientReconnects(), "4001: do not come back");
        assertFalse(PusherError.UNSUPPORTED_PROTOCOL_VERSION.clientReconnects());
        assertTrue(PusherError.OVER_CAPACITY.clientReconnects(), "4100: back off, then retry");
        assertTrue(PusherError.GENERIC_RECONNECT.clientReconnects());
        assertTrue(PusherError.APPLICATION_DOES_NOT_EXIST.closes());
        assertFalse(PusherError.CLIENT_EVENT_RATE_LIMIT.closes(), "4301 comes without a close");
        assertEquals(4007, PusherError.UNSUPPORTED_PROTOCOL_VERSION.code());
    }
}
