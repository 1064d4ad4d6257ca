package io.switchboard.redis.presence;

import io.switchboard.connection.Connection;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.routing.Clustered;
import io.switchboard.routing.PresenceManager;
import io.switchboard.routing.RoomChange;
import io.switchboard.routing.RoomPage;
import io.switchboard.routing.RoomSnapshot;
import io.switchboard.routing.UserPresence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The cluster's presence port: connections in {@link RedisPresence}, room membership in {@link RedisRooms}.
 * A join needs Redis and is refused (503) while it is down, since nobody else could see it; a leave is
 * applied on this node at once and reconciled when the relay is back. Queries need Redis: 503 while it
 * is down. Runs on the caller's thread, each Redis call bounded by {@code switchboard.redis.timeout-ms}.
 */
@ApplicationScoped
@Clustered
public class RedisPresenceManager implements PresenceManager {

    @Inject
    RedisPresence presence;

    @Inject
    RedisRooms rooms;

    @Inject
    RelayState state;

    @Override
    public UserPresence presence(String user) {
        Map<String, Integer> byNode = state.require(() -> presence.lookup(List.of(user)).get(user));
        return new UserPresence(user, byNode.values().stream().mapToInt(Integer::intValue).sum(),
                byNode.keySet().stream().map(ClusterMember::nodeOf).distinct().toList());
    }

    /**
     * Queues the connection's entry. With stored messages on, the entry is normally written already, in the
     * step that read the connection's inbox ({@link io.switchboard.redis.store.RedisInbox#open}), and this runs
     * only when that step failed.
     */
    @Override
    public void connectionOpened(Connection connection) {
        presence.opened(connection);
    }

    @Override
    public void connectionClosed(Connection connection) {
        presence.closed(connection);
    }

    @Override
    public RoomChange joined(Connection connection, String room, RoomChange local) {
        if (!state.isUp()) {
            throw RelayState.relayUnavailable();
        }
        try {
            RoomChange change = rooms.join(connection.id(), connection.user(), room);
            state.commandSucceeded();
            return change;
        } catch (JedisException e) {
            state.roomChangeUnrecorded(); // a timed-out join may still have been recorded: a ghost to remove
            throw state.failure(e, RelayState::relayUnavailable);
        }
    }

    @Override
    public RoomChange left(Connection connection, String room, RoomChange local) {
        if (!state.isUp()) {
            state.roomChangeUnrecorded();
            return RoomChange.SILENT;
        }
        try {
            RoomChange change = rooms.leave(connection.id(), room);
            state.commandSucceeded();
            return change;
        } catch (JedisException e) {
            state.commandFailed(e);
            state.roomChangeUnrecorded();
            return RoomChange.SILENT;
        }
    }

    @Override
    public boolean inRoom(String room, String user) {
        return state.require(() -> rooms.inRoom(room, user));
    }

    @Override
    public RoomSnapshot room(String room, int maxUsers) {
        return state.require(() -> rooms.room(room, maxUsers));
    }

    @Override
    public RoomPage rooms(String after, int limit) {
        return state.require(() -> rooms.rooms(after, limit));
    }
}
