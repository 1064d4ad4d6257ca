package io.switchboard.routing;

import java.util.List;

/**
 * One page of the gateway's rooms with members, in name order, with their user counts; {@code next} is
 * the cursor (the last room name) for the following page, or null at the end. Immutable.
 */
public record RoomPage(List<Entry> rooms, String next) {

    /** A room and its user count. */
    public record Entry(String room, int members) {
    }

    public RoomPage {
        rooms = List.copyOf(rooms);
    }
}
