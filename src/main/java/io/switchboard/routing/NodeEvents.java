package io.switchboard.routing;

import io.switchboard.connection.Connection;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The core's side of the inbound port: delivers what a broker carries here to this node's connections
 * ({@link LocalDelivery}), and runs this node's part of relayed kicks ({@link RoomService#kickHere}, on the
 * managed executor: it writes room membership, which may wait for Redis) and disconnects
 * ({@link UserDisconnects#disconnectHere}). A kick is therefore not ordered with the room's messages: one
 * published right after it may still reach the kicked connection.
 */
@ApplicationScoped
public class NodeEvents implements BrokerEventHandler {
    private static final Logger LOG = Logger.getLogger(NodeEvents.class.getName());

    @Inject
    LocalDelivery delivery;

    @Inject
    ConnectionRegistry registry;

    @Inject
    RoomService rooms;

    @Inject
    UserDisconnects disconnects;

    @Resource
    ManagedExecutorService executor;

    /** Where kicks run: the managed executor, or the one a test gave. */
    private Executor kicks;

    public NodeEvents() {
    }

    /** Events over these parts, outside CDI (tests); {@code rooms} and {@code disconnects} may be null if unused. */
    public NodeEvents(LocalDelivery delivery, ConnectionRegistry registry, RoomService rooms, UserDisconnects disconnects,
            Executor kicks) {
        this.delivery = delivery;
        this.registry = registry;
        this.rooms = rooms;
        this.disconnects = disconnects;
        this.kicks = kicks;
    }

    @PostConstruct
    void init() {
        kicks = executor;
    }

    @Override
    public Map<String, Integer> direct(Envelope envelope) {
        return delivery.deliver(envelope);
    }

    @Override
    public int everyone(Envelope envelope) {
        return delivery.deliver(envelope).getOrDefault(LocalDelivery.EVERYONE, 0);
    }

    @Override
    public int room(RoomEnvelope envelope) {
        return delivery.deliver(envelope);
    }

    @Override
    public void kick(String room, String user) {
        try {
            kicks.execute(() -> rooms.kickHere(room, user));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "A kick could not be run (executor refused it); the user stays in " + room
                    + " on this node until kicked again", e);
        }
    }

    @Override
    public void disconnect(String user, int closeCode) {
        disconnects.disconnectHere(user, closeCode);
    }

    @Override
    public int lapsed() {
        int closed = 0;
        for (Connection connection : registry.all()) {
            if (connection.closeAfterQueued(CloseCodes.SERVICE_RESTART, "node presumed dead for a while; resume")) {
                closed++;
            }
        }
        return closed;
    }
}
