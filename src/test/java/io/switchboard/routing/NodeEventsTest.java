package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.security.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The inbound port's core side: what a broker hands this node reaches its connections, and never waits. */
class NodeEventsTest {
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final List<Runnable> queuedKicks = new ArrayList<>();
    // no RoomService: a kick run on the calling thread would fail here instead of being queued
    private final NodeEvents events = new NodeEvents(new LocalDelivery(registry, new RoomRegistry()), registry, null,
            null, queuedKicks::add);

    private Connection open(String id, String user, RecordingSink sink) {
        Connection connection = new Connection(id, new Identity(user, Set.of(), 0), sink, new SendQueueLimits(10, 10_000),
                registry::closed, 0);
        registry.register(connection);
        return connection;
    }

    @Test
    void deliversToEveryConnectionOfTheRecipientsHereAndCountsThem() {
        RecordingSink phone = RecordingSink.fast();
        RecordingSink laptop = RecordingSink.fast();
        open("c1", "bob", phone);
        open("c2", "bob", laptop);
        MessageId id = new MessageId(7, 0);
        assertEquals(Map.of("bob", 2, "carol", 0), events.direct(Envelope.stored(id, List.of("bob", "carol"), "{\"m\":1}")));
        assertEquals(List.of("{\"m\":1}"), phone.sent);
        assertEquals(List.of("{\"m\":1}"), laptop.sent);
        events.direct(Envelope.stored(id, List.of("bob"), "{\"m\":1}"));
        assertEquals(List.of("{\"m\":1}"), phone.sent, "a stored message a connection already has is not sent twice");
        assertEquals(2, events.everyone(Envelope.toEveryone("b", "{\"all\":1}")));
    }

    @Test
    void handsAKickToTheExecutorInsteadOfRunningItOnTheCallersThread() {
        events.kick("lobby", "bob");
        assertEquals(1, queuedKicks.size());
    }

    @Test
    void aLapseClosesEveryConnectionHereWith1012AfterWhatIsQueued() {
        RecordingSink stalled = RecordingSink.stalled();
        Connection bob = open("c1", "bob", stalled);
        RecordingSink amy = RecordingSink.fast();
        open("c2", "amy", amy);
        bob.deliver(StreamKey.INBOX, new MessageId(9, 0), "{\"queued\":1}");
        assertEquals(2, events.lapsed());
        assertEquals(List.of(CloseCodes.SERVICE_RESTART), amy.closeCodes);
        assertTrue(stalled.closeCodes.isEmpty(), "bob's queued frame goes first");
        stalled.completeNext();
        assertEquals(List.of(CloseCodes.SERVICE_RESTART), stalled.closeCodes);
        assertFalse(bob.isOpen());
        assertEquals(0, events.lapsed(), "closing connections are not counted again");
    }

    @Test
    void aDisconnectClosesTheUsersConnectionsHereWithItsCode() {
        UserDisconnects disconnects = new UserDisconnects();
        disconnects.registry = registry;
        NodeEvents withDisconnects = new NodeEvents(new LocalDelivery(registry, new RoomRegistry()), registry, null,
                disconnects, queuedKicks::add);
        RecordingSink bob = RecordingSink.fast();
        RecordingSink amy = RecordingSink.fast();
        open("c1", "bob", bob);
        open("c2", "amy", amy);
        withDisconnects.disconnect("bob", CloseCodes.SIGNED_OUT);
        assertEquals(List.of(CloseCodes.SIGNED_OUT), bob.closeCodes);
        assertEquals(List.of(), amy.closeCodes);
    }
}
