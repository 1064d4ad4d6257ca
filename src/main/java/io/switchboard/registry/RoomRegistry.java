package io.switchboard.registry;

import io.switchboard.connection.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Room memberships of this node's connections: room → user → connection, and connection → rooms.
 * Every change to a room goes through {@link ConcurrentHashMap#compute} on that room's key, so "first
 * connection of this user in this room" and "last one" are decided atomically; fan-out reads the live
 * maps without locking. Called from WebSocket threads (join/leave), close listeners (any thread),
 * request threads (kick, queries) and the Redis subscriber (fan-out); nothing here blocks.
 */
@ApplicationScoped
public class RoomRegistry {
    private final Map<String, Map<String, Map<String, Connection>>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> roomsByConnection = new ConcurrentHashMap<>();

    /** What a join did on this node. */
    public enum JoinOutcome { JOINED, ALREADY_MEMBER, ROOM_LIMIT_REACHED, CLOSED }

    /**
     * A change of this node's membership: {@code userChanged} when the user's first connection here
     * joined or its last left; {@code users} is how many users the room has here afterwards.
     */
    public record Change(boolean userChanged, int users) {
    }

    /** The result of {@link #join}: the outcome and, when {@code JOINED}, the change. */
    public record Joined(JoinOutcome outcome, Change change) {
    }

    /** Adds the connection to the room unless it is closed, already in it, or in {@code maxRooms} rooms. */
    public Joined join(Connection connection, String room, int maxRooms) {
        JoinOutcome[] outcome = {JoinOutcome.JOINED};
        roomsByConnection.compute(connection.id(), (id, joined) -> {
            Set<String> set = joined == null ? ConcurrentHashMap.newKeySet() : joined;
            if (!connection.isOpen()) {
                outcome[0] = JoinOutcome.CLOSED;
            } else if (set.contains(room)) {
                outcome[0] = JoinOutcome.ALREADY_MEMBER;
            } else if (set.size() >= maxRooms) {
                outcome[0] = JoinOutcome.ROOM_LIMIT_REACHED;
            } else {
                set.add(room);
            }
            return set.isEmpty() ? null : set;
        });
        if (outcome[0] != JoinOutcome.JOINED) {
            return new Joined(outcome[0], null);
        }
        Change[] change = new Change[1];
        rooms.compute(room, (name, users) -> {
            Map<String, Map<String, Connection>> map = users == null ? new ConcurrentHashMap<>() : users;
            Map<String, Connection> mine = map.computeIfAbsent(connection.user(), u -> new ConcurrentHashMap<>());
            mine.put(connection.id(), connection);
            change[0] = new Change(mine.size() == 1, map.size());
            return map;
        });
        if (!connection.isOpen()) {
            // closed while joining: its close listener may already have run leaveAll, so undo here
            leave(connection, room);
            return new Joined(JoinOutcome.CLOSED, null);
        }
        return new Joined(JoinOutcome.JOINED, change[0]);
    }

    /** Removes the connection from the room; null if it was not in it. */
    public Change leave(Connection connection, String room) {
        roomsByConnection.computeIfPresent(connection.id(), (id, set) -> {
            set.remove(room);
            return set.isEmpty() ? null : set;
        });
        Change[] change = new Change[1];
        rooms.computeIfPresent(room, (name, users) -> {
            Map<String, Connection> mine = users.get(connection.user());
            if (mine == null || mine.remove(connection.id()) == null) {
                return users;
            }
            if (mine.isEmpty()) {
                users.remove(connection.user());
            }
            change[0] = new Change(mine.isEmpty(), users.size());
            return users.isEmpty() ? null : users;
        });
        return change[0];
    }

    /** Whether this connection is in any room here. */
    public boolean isInAnyRoom(Connection connection) {
        Set<String> joined = roomsByConnection.get(connection.id());
        return joined != null && !joined.isEmpty();
    }

    /** The rooms this connection is in (a snapshot). */
    public List<String> roomsOf(Connection connection) {
        Set<String> joined = roomsByConnection.get(connection.id());
        return joined == null ? List.of() : List.copyOf(joined);
    }

    /** The connections in the room on this node (a snapshot). */
    public List<Connection> members(String room) {
        Map<String, Map<String, Connection>> users = rooms.get(room);
        if (users == null) {
            return List.of();
        }
        List<Connection> members = new ArrayList<>();
        users.values().forEach(connections -> members.addAll(connections.values()));
        return members;
    }

    /** The user's connections in the room on this node (a snapshot). */
    public List<Connection> connectionsOf(String room, String user) {
        Map<String, Map<String, Connection>> users = rooms.get(room);
        Map<String, Connection> mine = users == null ? null : users.get(user);
        return mine == null ? List.of() : List.copyOf(mine.values());
    }

    /** Connection id → user of every member connection of the room here, for reconciling gateway-wide state. */
    public Map<String, String> memberships(String room) {
        Map<String, String> memberships = new LinkedHashMap<>();
        members(room).forEach(connection -> memberships.put(connection.id(), connection.user()));
        return memberships;
    }

    /** How many users have connections in the room here. */
    public int userCount(String room) {
        Map<String, Map<String, Connection>> users = rooms.get(room);
        return users == null ? 0 : users.size();
    }

    /** Up to {@code max} of the room's users here. */
    public List<String> users(String room, int max) {
        Map<String, Map<String, Connection>> users = rooms.get(room);
        return users == null ? List.of() : users.keySet().stream().limit(max).toList();
    }

    /** Every room with members here (a weakly consistent view). */
    public Collection<String> rooms() {
        return rooms.keySet();
    }
}
