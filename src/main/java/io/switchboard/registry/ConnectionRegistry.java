package io.switchboard.registry;

import io.switchboard.connection.Connection;
import io.switchboard.protocol.CloseCodes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The open connections of this node, by id and by user. Backed by concurrent maps: lookups never lock,
 * callers get snapshots. Called from WebSocket threads (open/close), request threads and the heartbeat
 * timer (lookups); nothing here blocks.
 */
@ApplicationScoped
public class ConnectionRegistry {
    private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class.getName());
    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Connection>> byUser = new ConcurrentHashMap<>();
    private final AtomicLong slowConsumerCuts = new AtomicLong();
    private final AtomicLong heartbeatReaps = new AtomicLong();

    public void register(Connection connection) {
        byId.put(connection.id(), connection);
        byUser.compute(connection.user(), (user, connections) -> {
            Map<String, Connection> map = connections == null ? new ConcurrentHashMap<>() : connections;
            map.put(connection.id(), connection);
            return map;
        });
    }

    /** The {@link Connection.CloseListener} of every connection: forgets it at once and counts why. */
    public void closed(Connection connection, int code) {
        if (byId.remove(connection.id()) == null) {
            return;
        }
        byUser.computeIfPresent(connection.user(), (user, connections) -> {
            connections.remove(connection.id());
            return connections.isEmpty() ? null : connections;
        });
        if (code == CloseCodes.SLOW_CONSUMER) {
            slowConsumerCuts.incrementAndGet();
            LOG.warning(() -> "Cut slow consumer " + connection + ": its send queue overflowed");
        } else if (code == CloseCodes.HEARTBEAT_TIMEOUT) {
            heartbeatReaps.incrementAndGet();
            LOG.fine(() -> "Reaped " + connection + ": no pong or frame within the heartbeat timeout");
        }
    }

    /** A snapshot of the user's open connections on this node; empty if none. */
    public List<Connection> connectionsOf(String user) {
        Map<String, Connection> connections = byUser.get(user);
        return connections == null ? List.of() : List.copyOf(connections.values());
    }

    public int connectionCount(String user) {
        Map<String, Connection> connections = byUser.get(user);
        return connections == null ? 0 : connections.size();
    }

    /** A weakly consistent live view of every open connection, for fan-out and the heartbeat sweep. */
    public Collection<Connection> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }

    public int userCount() {
        return byUser.size();
    }

    public long slowConsumerCuts() {
        return slowConsumerCuts.get();
    }

    public long heartbeatReaps() {
        return heartbeatReaps.get();
    }
}
