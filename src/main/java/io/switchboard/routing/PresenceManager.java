package io.switchboard.routing;

import io.switchboard.connection.Connection;

/**
 * The presence port: where users are connected and who is in which room, gateway-wide. Implementations:
 * {@link InMemoryPresence} (one node: this node's registries are the whole truth) and the Redis one (a
 * cluster, {@link Clustered}). Called from WebSocket, request and timer threads; a query that needs the
 * relay while it is down fails fast with a {@code ProtocolException} ({@code RELAY_UNAVAILABLE}).
 */
public interface PresenceManager {

    /** Where the user is connected, gateway-wide. */
    UserPresence presence(String user);

    /** A connection of this node opened: make it visible to the gateway. Must not block. */
    void connectionOpened(Connection connection);

    /** A connection of this node closed: forget it gateway-wide. Must not block. */
    void connectionClosed(Connection connection);

    /**
     * Records gateway-wide that a connection of this node joined a room ({@code local}: what that changed in
     * this node's registry, where it already is). Says whether to announce the user.
     */
    RoomChange joined(Connection connection, String room, RoomChange local);

    /** Records gateway-wide that a connection of this node left a room; {@link RoomChange#SILENT} if unknown. */
    RoomChange left(Connection connection, String room, RoomChange local);

    /** Whether the user has a connection in the room anywhere. */
    boolean inRoom(String room, String user);

    /** The room's exact user count and up to {@code maxUsers} users. */
    RoomSnapshot room(String room, int maxUsers);

    /** Rooms with members, in name order, after {@code after} (null: from the start). */
    RoomPage rooms(String after, int limit);
}
