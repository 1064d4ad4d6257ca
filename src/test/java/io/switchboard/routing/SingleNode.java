package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.inbox.InMemoryInbox;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import java.time.Clock;

/**
 * The core of one node without Redis or a container, wired as CDI wires it (registries, in-memory inbox,
 * broker and presence, the inbound port, router and room service), for unit tests of what sits on top.
 * Everything runs on the calling thread; room count updates are dropped.
 */
public final class SingleNode {
    public final ConnectionRegistry connections = new ConnectionRegistry();
    public final RoomRegistry rooms = new RoomRegistry();
    public final InMemoryInbox inbox;
    public final MessageRouter router;
    public final RoomService roomService;

    public SingleNode(SwitchboardConfig config, Clock clock) {
        inbox = new InMemoryInbox(config, clock);
        InMemoryBroker broker = new InMemoryBroker(
                new NodeEvents(new LocalDelivery(connections, rooms), connections, null, null, Runnable::run), connections, inbox);
        InMemoryPresence presence = new InMemoryPresence(connections, rooms, config, inbox);
        router = new MessageRouter(broker, config, clock);
        roomService = new RoomService(rooms, broker, presence, config, inbox,
                new RoomCounts(broker, presence, config, (task, delay) -> { }), clock, Runnable::run);
    }
}
