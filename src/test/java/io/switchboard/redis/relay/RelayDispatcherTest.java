package io.switchboard.redis.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.redis.client.RedisFixtures;
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

    @Test
    void routesEachRelayedKindThroughTheInboundPortOnce() {
        ConnectionRegistry registry = new ConnectionRegistry();
        RoomRegistry rooms = new RoomRegistry();
        SwitchboardConfig config = TestConfig.cluster("redis://127.0.0.1:1", "node-a", 5000, 1000);
        RelayDispatcher dispatcher = new RelayDispatcher();
        dispatcher.events = new NodeEvents(new LocalDelivery(registry, rooms), registry, null, null, Runnable::run);
        dispatcher.catchUp = new RelayCatchUp();
        dispatcher.catchUp.redis = RedisFixtures.client(config); // only asked whether Redis is sharded; nothing connects
        dispatcher.member = RedisFixtures.member(config);
        RecordingSink phone = RecordingSink.fast();
        RecordingSink laptop = RecordingSink.fast();
        Connection bobsPhone = new Connection("c1", new Identity("bob", Set.of(), 0), phone, new SendQueueLimits(10, 10_000),
                registry::closed, 0);
        Connection bobsLaptop = new Connection("c2", new Identity("bob", Set.of(), 0), laptop, new SendQueueLimits(10, 10_000),
                registry::closed, 0);
        registry.register(bobsPhone);
        registry.register(bobsLaptop);
        rooms.join(bobsPhone, "lobby", 10);
        rooms.join(bobsLaptop, "lobby", 10);

        RelayCodec.Relayed stored = new RelayCodec.Relayed("node-b~1", -1, RelayCodec.Kind.STORED,
                List.of("7-0", "bob"), "{\"id\":\"7-0\"}");
        dispatcher.dispatch(stored, () -> { });
        dispatcher.dispatch(stored, () -> { }); // a second copy (the catch-up and the live relay both had it)
        assertEquals(List.of("{\"id\":\"7-0\"}"), phone.sent, "a stored message once per connection");
        assertEquals(List.of("{\"id\":\"7-0\"}"), laptop.sent);

        dispatcher.dispatch(new RelayCodec.Relayed("node-b~1", -1, RelayCodec.Kind.ROOM, List.of("lobby", "c2", "8-0"),
                "{\"room\":1}"), () -> { });
        assertEquals("{\"room\":1}", phone.sent.get(1));
        assertEquals(1, laptop.sent.size(), "the excluded connection (the publisher's) does not get its own message");

        dispatcher.dispatch(new RelayCodec.Relayed(dispatcher.member.id(), -1, RelayCodec.Kind.EVERYONE, List.of(),
                "{\"all\":\"mine\"}"), () -> { });
        assertEquals(2, phone.sent.size(), "this node's own broadcast was delivered here when it was published");
        dispatcher.dispatch(new RelayCodec.Relayed("node-b~1", -1, RelayCodec.Kind.EVERYONE, List.of(), "{\"all\":1}"), () -> { });
        assertEquals("{\"all\":1}", phone.sent.get(2));
        assertEquals("{\"all\":1}", laptop.sent.get(1));
    }
}
