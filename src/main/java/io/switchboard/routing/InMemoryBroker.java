package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.List;

/** The single-node broker: every envelope is delivered on this node, synchronously (enqueue only). */
@ApplicationScoped
@Typed(InMemoryBroker.class)
public class InMemoryBroker implements Broker {

    @Inject
    LocalDelivery localDelivery;

    @Inject
    ConnectionRegistry registry;

    @Inject
    SwitchboardConfig config;

    public InMemoryBroker() {
    }

    InMemoryBroker(LocalDelivery localDelivery, ConnectionRegistry registry, SwitchboardConfig config) {
        this.localDelivery = localDelivery;
        this.registry = registry;
        this.config = config;
    }

    @Override
    public DeliveryReport publishDirect(Envelope envelope) {
        return DeliveryReport.of(envelope.messageId(), envelope.recipients(), localDelivery.deliver(envelope));
    }

    @Override
    public BroadcastReport publishBroadcast(Envelope envelope) {
        return new BroadcastReport(envelope.messageId(),
                localDelivery.deliver(envelope).getOrDefault(LocalDelivery.EVERYONE, 0), false);
    }

    @Override
    public UserPresence presence(String user) {
        int connections = registry.connectionCount(user);
        return new UserPresence(user, connections, connections > 0 ? List.of(config.nodeId()) : List.of());
    }

    @Override
    public void connectionOpened(Connection connection) {
        // the registry is the whole truth on a single node
    }

    @Override
    public void connectionClosed(Connection connection) {
        // the registry is the whole truth on a single node
    }
}
