package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.inbox.InMemoryInbox;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * The single-node presence port: this node's registries are the whole truth (their changes are already
 * atomic), so a join or leave is announced exactly when it changed the registry.
 */
@ApplicationScoped
@Typed(InMemoryPresence.class)
public class InMemoryPresence implements PresenceManager {

    @Inject
    ConnectionRegistry registry;

    @Inject
    RoomRegistry rooms;

    @Inject
    SwitchboardConfig config;

    @Inject
    InMemoryInbox inbox;

    public InMemoryPresence() {
    }

    InMemoryPresence(ConnectionRegistry registry, RoomRegistry rooms, SwitchboardConfig config, InMemoryInbox inbox) {
        this.registry = registry;
        this.rooms = rooms;
        this.config = config;
        this.inbox = inbox;
    }

    @Override
    public UserPresence presence(String user) {
        int connections = registry.connectionCount(user);
        return new UserPresence(user, connections, connections > 0 ? List.of(config.nodeId()) : List.of());
    }

    /** Only marks the user known to the store (for the recipient policy): the registry already holds the connection. */
    @Override
    public void connectionOpened(Connection connection) {
        inbox.markKnown(connection.user());
    }

    @Override
    public void connectionClosed(Connection connection) {
        // the registry already forgot it
    }

    @Override
    public RoomChange joined(Connection connection, String room, RoomChange local) {
        return local;
    }

    @Override
    public RoomChange left(Connection connection, String room, RoomChange local) {
        return local;
    }

    @Override
    public boolean inRoom(String room, String user) {
        return !rooms.connectionsOf(room, user).isEmpty();
    }

    @Override
    public RoomSnapshot room(String room, int maxUsers) {
        return new RoomSnapshot(room, rooms.userCount(room), rooms.users(room, maxUsers));
    }

    @Override
    public RoomPage rooms(String after, int limit) {
        List<String> names = rooms.rooms().stream()
                .filter(name -> after == null || name.compareTo(after) > 0)
                .sorted().limit(limit + 1L).toList();
        List<RoomPage.Entry> page = new ArrayList<>();
        for (String name : names.subList(0, Math.min(limit, names.size()))) {
            page.add(new RoomPage.Entry(name, rooms.userCount(name)));
        }
        return new RoomPage(page, names.size() > limit ? names.get(limit - 1) : null);
    }
}
