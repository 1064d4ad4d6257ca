package io.switchboard.routing;

/**
 * What a join or leave changed gateway-wide: {@code announce} when it was the user's first connection
 * in the room (join) or last one (leave), so others must be told; {@code members} is the room's user
 * count afterwards.
 */
public record RoomChange(boolean announce, int members) {
    /** Nothing changed that anyone must hear about (e.g. the relay was down: reconciled later). */
    public static final RoomChange SILENT = new RoomChange(false, -1);
}
