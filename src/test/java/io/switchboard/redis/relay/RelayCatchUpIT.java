package io.switchboard.redis.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.MessageId;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.redis.client.RedisSlots;
import io.switchboard.redis.store.InboxScripts;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.security.Identity;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay catch-up against a real redis-server, without Payara: messages are stored while "this node"
 * hears nothing (nobody subscribes here), then the catch-up hands each connection exactly what its
 * streams hold past what it was sent, in order, once. The order of events is set by the test.
 */
class RelayCatchUpIT {
    private static RedisServer redis;
    private RedisClient client;
    private RelayCatchUp catchUp;
    private ConnectionRegistry connections;
    private RoomRegistry rooms;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(Path.of("target", "redis-catch-up-it"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void wire() {
        SwitchboardConfig config = TestConfig.cluster(redis.url(), "node-a", 5000, 1000);
        client = RedisFixtures.client(config);
        connections = new ConnectionRegistry();
        rooms = new RoomRegistry();
        catchUp = new RelayCatchUp();
        catchUp.redis = client;
        catchUp.connections = connections;
        catchUp.rooms = rooms;
    }

    @AfterEach
    void close() {
        client.close();
    }

    private record Client(Connection connection, RecordingSink sink) {
    }

    private Client connect(String user) {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = new Connection("c-" + UUID.randomUUID(), new Identity(user, Set.of(), 0), sink,
                new SendQueueLimits(1000, 10_000_000), (c, code) -> { }, 0);
        connections.register(connection);
        return new Client(connection, sink);
    }

    /** Stores a direct message for the users as the broker does (nobody is relayed it); returns its id. */
    private MessageId storeDirect(String content, String... users) {
        List<?> reply = (List<?>) InboxScripts.STORE.run(client.commands(), InboxScripts.storeKeys(RedisSlots.UNSHARDED),
                InboxScripts.storeArguments(1000, 60_000, "", 60_000, "{\"type\":\"message\",\"id\":\"",
                        "\",\"content\":\"" + content + "\"}", "node-b~test", "", false, List.of(users), RedisSlots.UNSHARDED));
        return MessageId.parse((String) reply.get(1), "id");
    }

    /** Stores a room message as the broker does, not sent to {@code excluded} (may be ""); returns its id. */
    private MessageId storeInRoom(String room, String content, String excluded) {
        List<?> reply = (List<?>) InboxScripts.ROOM_STORE.run(client.commands(), InboxScripts.roomStoreKeys(room, RedisSlots.UNSHARDED),
                InboxScripts.roomStoreArguments(1000, 60_000, "{\"type\":\"message\",\"room\":\"" + room + "\",\"id\":\"",
                        "\",\"content\":\"" + content + "\"}", "node-b~test", room, excluded, RedisSlots.UNSHARDED));
        return MessageId.parse((String) reply.get(0), "id");
    }

    private static List<String> contents(RecordingSink sink) {
        return sink.sent.stream().map(frame -> frame.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1")).toList();
    }

    @Test
    void handsEachConnectionWhatItsInboxHoldsPastWhatItWasSentOnceAndInOrder() {
        String bob = "bob-" + UUID.randomUUID();
        Client phone = connect(bob);
        Client laptop = connect(bob);
        MessageId one = storeDirect("one", bob);
        phone.connection().deliver(StreamKey.INBOX, one, "{\"content\":\"one\"}"); // the phone got it live
        laptop.connection().endReplay(laptop.connection().beginReplay(StreamKey.INBOX, MessageId.ZERO)); // the laptop connected before it: nothing sent yet
        storeDirect("two", bob); // the gap: stored, relayed to nobody
        storeDirect("three", bob);

        assertEquals(3, catchUp.catchUp(), "bob's inbox read once for both, from the older of their points");
        assertEquals(List.of("one", "two", "three"), contents(phone.sink()));
        assertEquals(List.of("one", "two", "three"), contents(laptop.sink()));

        catchUp.catchUp(); // a second gap with nothing in it sends nothing again
        assertEquals(3, phone.sink().sent.size());
        assertEquals(3, laptop.sink().sent.size());
    }

    @Test
    void catchesUpRoomsWithoutEchoingASendersOwnMessageAndFromTheLastRelayedIdWhenNothingWasSent() {
        String room = "gap-" + UUID.randomUUID();
        Client amy = connect("amy-" + UUID.randomUUID());
        Client ben = connect("ben-" + UUID.randomUUID());
        rooms.join(amy.connection(), room, 10);
        rooms.join(ben.connection(), room, 10);
        MessageId before = storeInRoom(room, "before the gap", "");
        catchUp.relayedInRoom(room, before); // this node was relayed it (and everything older)

        storeInRoom(room, "from amy", amy.connection().id()); // amy published it with echo off
        storeInRoom(room, "from the backend", "");
        catchUp.catchUp();

        assertEquals(List.of("from the backend"), contents(amy.sink()), "not her own message, nothing before the gap");
        assertEquals(List.of("from amy", "from the backend"), contents(ben.sink()));
    }

    @Test
    void aConnectionThatJoinedWithoutSinceGetsNothingFromBeforeTheLastRelayedId() {
        String room = "late-" + UUID.randomUUID();
        Client amy = connect("amy-" + UUID.randomUUID());
        rooms.join(amy.connection(), room, 10);
        MessageId first = storeInRoom(room, "first", "");
        amy.connection().deliver(StreamKey.room(room), first, "{\"content\":\"first\"}");
        MessageId own = storeInRoom(room, "amy's own, echo off", amy.connection().id());
        catchUp.relayedInRoom(room, own); // relayed here: amy was not sent it, so her stream still starts after "first"
        Client dan = connect("dan-" + UUID.randomUUID());
        rooms.join(dan.connection(), room, 10); // joined now, without since: never sent a stored message here

        storeInRoom(room, "in the gap", "");
        catchUp.catchUp();

        assertEquals(List.of("first", "in the gap"), contents(amy.sink()));
        assertEquals(List.of("in the gap"), contents(dan.sink()), "nothing from before dan joined, though the stream is read from earlier");
    }

    @Test
    void readsNothingForAStreamWhenNothingWasEverSentOrRelayedHere() {
        String room = "quiet-" + UUID.randomUUID();
        storeInRoom(room, "old", "");
        Client carl = connect("carl-" + UUID.randomUUID());
        rooms.join(carl.connection(), room, 10);
        assertEquals(0, catchUp.catchUp(), "what it could have missed is not known: nothing is guessed");
        assertEquals(List.of(), carl.sink().sent);
    }
}
