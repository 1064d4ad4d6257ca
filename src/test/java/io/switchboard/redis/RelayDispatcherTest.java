package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.routing.LocalDelivery;
import io.switchboard.routing.NodeEvents;
import io.switchboard.security.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the subscriber thread does with relayed messages: deliver at once, never wait for Redis. */
class RelayDispatcherTest {

    @Test
    void deliversRelayedFramesAtOnceAndHandsKicksOffTheSubscriberThread() {
        ConnectionRegistry registry = new ConnectionRegistry();
        RelayDispatcher dispatcher = new RelayDispatcher();
        List<Runnable> queuedKicks = new ArrayList<>();
        // no RoomService: a kick run on this thread would fail here instead of being queued
        dispatcher.events = new NodeEvents(new LocalDelivery(registry, new RoomRegistry()), registry, null, null, queuedKicks::add);
        RecordingSink bob = RecordingSink.fast();
        registry.register(new Connection("c1", new Identity("bob", Set.of(), 0), bob, new SendQueueLimits(10, 10_000),
                registry::closed, 0));

        dispatcher.dispatch(new RelayCodec.Relayed("node-a~1", -1, RelayCodec.Kind.KICK, List.of("lobby", "bob"), ""), () -> { });
        dispatcher.dispatch(new RelayCodec.Relayed("node-a~1", -1, RelayCodec.Kind.USERS, List.of("bob"), "{\"n\":1}"), () -> { });

        assertEquals(1, queuedKicks.size(), "the kick waits for the executor");
        assertEquals(List.of("{\"n\":1}"), bob.sent, "delivery did not wait for the kick");
        boolean[] lapsed = {false};
        dispatcher.dispatch(new RelayCodec.Relayed("node-b~1", -1, RelayCodec.Kind.LAPSED, List.of(), ""), () -> lapsed[0] = true);
        assertTrue(lapsed[0]);
    }
}
