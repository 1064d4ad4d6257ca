package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.inbox.InMemoryInbox;
import io.switchboard.inbox.Inbox;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import java.time.Clock;

/** The store-and-deliver contract on one node without Redis: {@link InMemoryBroker} over {@link InMemoryInbox}. */
class InMemoryStoreAndDeliverTest extends StoreAndDeliverContract {
    private final SwitchboardConfig config = TestConfig.defaults();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final InMemoryInbox inbox = new InMemoryInbox(config, Clock.systemUTC());
    private final MessageRouter router = new MessageRouter(new InMemoryBroker(new NodeEvents(
            new LocalDelivery(connections, new RoomRegistry()), connections, null, null, Runnable::run), connections, inbox),
            config, Clock.systemUTC());

    @Override
    protected MessageRouter router() {
        return router;
    }

    @Override
    protected Inbox inbox() {
        return inbox;
    }

    @Override
    protected Client connect(String user) {
        Client client = recordedConnection(user);
        connections.register(client.connection());
        inbox.markKnown(user);
        return client;
    }

    @Override
    protected void knownButOffline(String user) {
        inbox.markKnown(user);
    }
}
