package io.switchboard.routing;

import java.util.List;

/** A room gateway-wide: its exact user count and up to a capped number of those users. Immutable. */
public record RoomSnapshot(String room, int members, List<String> users) {
    public RoomSnapshot {
        users = List.copyOf(users);
    }
}
