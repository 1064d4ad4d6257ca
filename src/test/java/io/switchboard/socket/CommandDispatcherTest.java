package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.limits.StorageQuota;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.routing.SingleNode;
import io.switchboard.security.Identity;
import io.switchboard.security.RoomPolicy;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a client's frame turns into on one node: a reply to the sender, deliveries to others, and never a dead connection. */
class CommandDispatcherTest {
    private final SwitchboardConfig config = TestConfig.openRooms();
    private final SingleNode node = new SingleNode(config, Clock.systemUTC());
    private final CommandDispatcher dispatcher = dispatcher();

    private CommandDispatcher dispatcher() {
        CommandDispatcher dispatcher = new CommandDispatcher();
        dispatcher.config = config;
        dispatcher.router = node.router;
        dispatcher.rooms = node.roomService;
        dispatcher.roomPolicy = new RoomPolicy(config);
        dispatcher.inbox = node.inbox;
        dispatcher.traffic = new TrafficCounters();
        dispatcher.quota = new StorageQuota(config);
        dispatcher.init();
        return dispatcher;
    }

    private record Client(Connection connection, RecordingSink sink) {
        JsonObject last() {
            return Json.createReader(new StringReader(sink.sent.get(sink.sent.size() - 1))).readObject();
        }
    }

    private Client connect(String id, String user, String device) {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = new Connection(id, device, new Identity(user, Set.of(), 0), sink, Runnable::run,
                new SendQueueLimits(100, 1_000_000), node.connections::closed, 0);
        node.connections.register(connection);
        return new Client(connection, sink);
    }

    @Test
    void answersADirectMessageWithAnAckAndDeliversItToEveryConnectionOfTheRecipient() {
        Client alice = connect("c1", "alice", "a");
        Client bobPhone = connect("c2", "bob", "phone");
        Client bobLaptop = connect("c3", "bob", "laptop");
        dispatcher.dispatch(alice.connection(), "{\"type\":\"message\",\"id\":1,\"to\":[\"bob\",\"carol\"],\"content\":\"hi\"}");
        JsonObject ack = alice.last();
        assertEquals("ack", ack.getString("type"));
        assertEquals(1, ack.getInt("id"));
        assertEquals(2, ack.getJsonObject("delivered").getInt("bob"));
        assertEquals(List.of("carol"), ack.getJsonArray("unknown").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList(), "a client may store only for users the gateway knows");
        assertEquals("hi", bobPhone.last().getString("content"));
        assertEquals(ack.getString("messageId"), bobLaptop.last().getString("id"), "the stored id the ack names");
    }

    @Test
    void answersABadFrameWithItsOwnErrorAndKeepsServingTheConnection() {
        Client alice = connect("c1", "alice", "a");
        dispatcher.dispatch(alice.connection(), "{not json");
        assertEquals("invalid-json", alice.last().getString("reason"));
        dispatcher.dispatch(alice.connection(), "{\"type\":\"teleport\",\"id\":7}");
        assertEquals(400, alice.last().getInt("code"));
        assertEquals(7, alice.last().getInt("id"), "the error names the command it answers");
        dispatcher.dispatch(alice.connection(), "{\"type\":\"ping\",\"id\":8}");
        assertEquals("pong", alice.last().getString("type"));
        assertEquals(8, alice.last().getInt("id"));
        assertTrue(alice.connection().isOpen());
    }

    @Test
    void recordsADevicesAckAsItsResumePoint() {
        Client bob = connect("c1", "bob", "phone");
        dispatcher.dispatch(bob.connection(), "{\"type\":\"ack\",\"id\":2,\"upTo\":\"1234-5\"}");
        assertEquals("acked", bob.last().getString("type"));
        assertEquals(new MessageId(1234, 5), node.inbox.cursor("bob", "phone").orElseThrow());
    }

    @Test
    void joinsARoomAndPublishesToItsOtherMembers() {
        Client alice = connect("c1", "alice", "a");
        Client bob = connect("c2", "bob", "b");
        dispatcher.dispatch(alice.connection(), "{\"type\":\"join\",\"id\":1,\"room\":\"lobby\"}");
        dispatcher.dispatch(bob.connection(), "{\"type\":\"join\",\"id\":1,\"room\":\"lobby\"}");
        assertEquals("joined", bob.last().getString("type"));
        assertEquals(2, bob.last().getInt("members"));
        dispatcher.dispatch(alice.connection(), "{\"type\":\"publish\",\"id\":2,\"room\":\"lobby\",\"content\":\"hello\",\"echo\":false}");
        assertEquals("ack", alice.last().getString("type"));
        assertEquals("hello", bob.last().getString("content"));
        assertEquals("lobby", bob.last().getString("room"));
    }

    @Test
    void refusesACommandOverTheRateWithItsIdAndRunsNothing() {
        Client alice = connect("c1", "alice", "a");
        Client bob = connect("c2", "bob", "b");
        dispatcher.refuse(alice.connection(), "{\"type\":\"message\",\"id\":\"x1\",\"to\":[\"bob\"],\"content\":1}",
                ErrorCode.RATE_LIMITED, "slow down");
        assertEquals(429, alice.last().getInt("code"));
        assertEquals("x1", alice.last().getString("id"));
        assertEquals(List.of(), bob.sink().sent);
    }
}
