package io.switchboard.routing;

import io.switchboard.protocol.PresenceEvent;

/** A user's presence in a room changed gateway-wide, and the room's member count after it: to announce. */
public record PresenceChange(String room, PresenceEvent event, String user, int members) {
}
