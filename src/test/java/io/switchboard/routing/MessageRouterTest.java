package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.inbox.Idempotency;
import io.switchboard.inbox.InMemoryInbox;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.security.Identity;
import jakarta.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageRouterTest {
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1234), ZoneOffset.UTC);
    private final SwitchboardConfig config = TestConfig.defaults();
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final RoomRegistry rooms = new RoomRegistry();
    private final InMemoryInbox inbox = new InMemoryInbox(config, clock);
    private final InMemoryBroker broker = new InMemoryBroker(
            new NodeEvents(new LocalDelivery(registry, rooms), registry, null, null, Runnable::run), registry, inbox);
    private final InMemoryPresence presence = new InMemoryPresence(registry, rooms, config, inbox);
    private final MessageRouter router = new MessageRouter(broker, config, clock);

    private RecordingSink connect(String id, String user) {
        RecordingSink sink = RecordingSink.fast();
        registry.register(new Connection(id, new Identity(user, Set.of(), 0), sink, new SendQueueLimits(10, 10_000),
                registry::closed, 0));
        return sink;
    }

    @Test
    void deliversToEveryConnectionOfEachRecipientAndReportsOffline() {
        RecordingSink bobPhone = connect("c1", "bob");
        RecordingSink bobLaptop = connect("c2", "bob");
        RecordingSink amy = connect("c3", "amy");
        RecordingSink bystander = connect("c4", "zed");
        DeliveryReport report = send("alice", List.of("bob", "carol", "amy"), Json.createValue("hi"), null);
        assertEquals(Map.of("bob", 2, "amy", 1), report.delivered());
        assertEquals(List.of("bob", "amy"), List.copyOf(report.delivered().keySet()), "recipient order kept");
        assertEquals(List.of("carol"), report.offline());
        String expected = "{\"type\":\"message\",\"id\":\"" + report.messageId()
                + "\",\"from\":\"alice\",\"to\":[\"bob\",\"carol\",\"amy\"],\"content\":\"hi\",\"ts\":1234}";
        assertEquals(List.of(expected), bobPhone.sent);
        assertEquals(List.of(expected), bobLaptop.sent);
        assertEquals(List.of(expected), amy.sent);
        assertTrue(bystander.sent.isEmpty());
    }

    @Test
    void encodesTheFrameOnceForTheWholeFanOut() {
        RecordingSink first = connect("c1", "bob");
        RecordingSink second = connect("c2", "bob");
        RecordingSink third = connect("c3", "amy");
        send("alice", List.of("bob", "amy"), Json.createValue(1), null);
        assertSame(first.sent.get(0), second.sent.get(0));
        assertSame(first.sent.get(0), third.sent.get(0));
    }

    @Test
    void broadcastsToEveryConnection() {
        RecordingSink one = connect("c1", "bob");
        RecordingSink two = connect("c2", "amy");
        FanOutReport report = router.broadcast("ops", Json.createValue("x"));
        assertEquals(2, report.connections());
        assertEquals(one.sent, two.sent);
        assertTrue(one.sent.get(0).startsWith("{\"type\":\"broadcast\""));
    }

    @Test
    void countsOnlyConnectionsThatAcceptedTheFrame() {
        connect("c1", "bob");
        Connection closed = registry.connectionsOf("bob").get(0);
        connect("c2", "bob");
        closed.close(1000, "bye");
        assertEquals(Map.of("bob", 1), send("alice", List.of("bob"), Json.createValue(1), null).delivered());
    }

    @Test
    void storesEveryMessageForEachRecipientInIdOrderBeforeAcknowledging() {
        RecordingSink bob = connect("c1", "bob");
        DeliveryReport first = send("alice", List.of("bob", "carol"), Json.createValue(1), null);
        DeliveryReport second = send("alice", List.of("carol"), Json.createValue(2), null);
        assertEquals("1234-0", first.messageId(), "ids come from the inbox: clock millis and a sequence");
        assertEquals("1234-1", second.messageId());
        List<StoredMessage> carols = inbox.read("carol", MessageId.ZERO, 10);
        assertEquals(List.of(new MessageId(1234, 0), new MessageId(1234, 1)), carols.stream().map(StoredMessage::id).toList());
        assertEquals(bob.sent.get(0), carols.get(0).frame(), "the stored frame is the delivered frame");
        assertTrue(carols.get(0).frame().contains("\"id\":\"1234-0\""));
        assertEquals(List.of(new MessageId(1234, 1)), inbox.read("carol", new MessageId(1234, 0), 10).stream()
                .map(StoredMessage::id).toList());
        assertEquals(new MessageId(1234, 0), inbox.seen("bob").orElseThrow(), "bob's connection got it live");
        assertTrue(inbox.seen("carol").isEmpty(), "carol was offline");
    }

    @Test
    void aTransientMessageReachesTheConnectionsOnlineNowAndIsNeverStored() {
        RecordingSink bob = connect("c1", "bob");
        DeliveryReport report = router.sendDirect("alice", List.of("bob", "carol"), Json.createValue("typing"), false, null, false)
                .toCompletableFuture().join();
        assertEquals(Map.of("bob", 1), report.delivered());
        assertEquals(List.of("carol"), report.offline());
        assertEquals(1, bob.sent.size());
        assertTrue(bob.sent.get(0).contains("\"id\":\"" + report.messageId() + "\""));
        assertThrows(ProtocolException.class, () -> MessageId.parse(report.messageId(), "id"), "not an inbox id");
        assertTrue(inbox.read("bob", MessageId.ZERO, 10).isEmpty(), "nothing stored for the online recipient");
        assertTrue(inbox.read("carol", MessageId.ZERO, 10).isEmpty(), "nor kept for the offline one");
        assertTrue(inbox.seen("bob").isEmpty(), "a transient message moves no stored-message mark");
        assertEquals("1234-0", send("alice", List.of("carol"), Json.createValue(2), null).messageId(),
                "stored ids are not used up by transient messages");
    }

    @Test
    void storesWhatAClientSendsOnlyForUsersKnownToTheGateway() {
        RecordingSink bob = connect("c1", "bob");
        presence.connectionOpened(registry.connectionsOf("bob").get(0));
        Connection amysPhone = new Connection("c2", new Identity("amy", Set.of(), 0), RecordingSink.fast(),
                new SendQueueLimits(10, 10_000), registry::closed, 0);
        registry.register(amysPhone);
        presence.connectionOpened(amysPhone);
        amysPhone.close(1000, "gone offline");
        DeliveryReport report = router.sendDirect("alice", List.of("bob", "amy", "nobody-1", "nobody-2"), Json.createValue(1),
                true, null, true).toCompletableFuture().join();
        assertEquals(Map.of("bob", 1), report.delivered());
        assertEquals(List.of("amy"), report.offline(), "amy connected before: stored for her");
        assertEquals(List.of("nobody-1", "nobody-2"), report.unknown());
        assertEquals(1, bob.sent.size());
        assertEquals(1, inbox.read("amy", MessageId.ZERO, 10).size());
        assertTrue(inbox.read("nobody-1", MessageId.ZERO, 10).isEmpty(), "no inbox made for an id nobody uses");
        DeliveryReport toNobody = router.sendDirect("alice", List.of("nobody-3"), Json.createValue(1), true, null, true)
                .toCompletableFuture().join();
        assertEquals(List.of("nobody-3"), toNobody.unknown(), "a message to unknown users only is answered too");
        assertEquals(Map.of(), toNobody.delivered());
        assertEquals(List.of(), send("backend", List.of("nobody-1"), Json.createValue(2), null).unknown(),
                "a backend may store for any id");
        assertEquals(1, inbox.read("nobody-1", MessageId.ZERO, 10).size());
    }

    /** The router's stage, awaited: the in-memory broker completes it on the calling thread. */
    private DeliveryReport send(String from, List<String> to, jakarta.json.JsonValue content, Idempotency idempotency) {
        try {
            return router.sendDirect(from, to, content, true, idempotency, false).toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private static Idempotency key(String credential, String key, String request) {
        return Idempotency.of(credential, key, request);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsNotStoredOrDeliveredAgain() {
        RecordingSink bob = connect("c1", "bob");
        DeliveryReport original = send("svc", List.of("bob"), Json.createValue("pay"), key("key:a", "k1", "pay"));
        DeliveryReport retry = send("svc", List.of("bob"), Json.createValue("pay"), key("key:a", "k1", "pay"));
        assertTrue(retry.duplicate());
        assertEquals(original.messageId(), retry.messageId());
        assertEquals(1, bob.sent.size());
        assertEquals(1, inbox.read("bob", MessageId.ZERO, 10).size());
        assertTrue(!send("svc", List.of("bob"), Json.createValue("pay"), key("key:a", "k2", "pay")).duplicate());
    }

    @Test
    void idempotencyKeysAreScopedByCredentialAndBoundToTheirRequest() {
        RecordingSink bob = connect("c1", "bob");
        send("svc", List.of("bob"), Json.createValue("pay"), key("key:a", "k1", "pay"));
        assertTrue(!send("svc", List.of("bob"), Json.createValue("pay"), key("user:b", "k1", "pay")).duplicate(),
                "another credential's key of the same name is its own");
        ProtocolException conflict = assertThrows(ProtocolException.class,
                () -> send("svc", List.of("bob"), Json.createValue("refund"), key("key:a", "k1", "refund")));
        assertEquals(ErrorCode.IDEMPOTENCY_CONFLICT, conflict.code());
        assertEquals(2, bob.sent.size(), "the conflicting request was neither stored nor delivered");
        assertTrue(!key("a:b", "c", "x").scopedKey().equals(key("a", ":bc", "x").scopedKey()), "scoping is injective");
    }
}
