package io.switchboard.routing;

import io.switchboard.registry.RoomRegistry;

/**
 * What a join or leave changed gateway-wide: {@code announce} when it was the user's first connection
 * in the room (join) or last one (leave), so others must be told; {@code members} is the room's user
 * count afterwards.
 */
public record RoomChange(boolean announce, int members) {
    /** Nothing changed that anyone must hear about (e.g. the relay was down: reconciled later). */
    public static final RoomChange SILENT = new RoomChange(false, -1);

    /** What a change of this node's registry alone changed (on a single node, all there is). */
    public static RoomChange of(RoomRegistry.Change local) {
        return new RoomChange(local.userChanged(), local.users());
    }
}
