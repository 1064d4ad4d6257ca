package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.inbox.InMemoryInbox;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Frames;
import io.switchboard.protocol.PresenceEvent;
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
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Room semantics on one node (in-memory broker): who is told what, and when. */
class RoomServiceTest {
    private final SwitchboardConfig config = TestConfig.roomLimits(2, 2, 3);
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final RoomRegistry registry = new RoomRegistry();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(42), ZoneOffset.UTC);
    private final InMemoryInbox inbox = new InMemoryInbox(config, clock);
    private final InMemoryBroker broker = new InMemoryBroker(
            new NodeEvents(new LocalDelivery(connections, registry), connections, null, null, Runnable::run), connections, inbox);
    private final InMemoryPresence presence = new InMemoryPresence(connections, registry, config, inbox);
    /** Count updates due, run by the test when it lets time pass. */
    private final List<Runnable> later = new java.util.ArrayList<>();
    private final RoomCounts counts = new RoomCounts(broker, presence, config, (task, delay) -> later.add(task));
    private final RoomService rooms = new RoomService(registry, broker, presence, config, inbox, counts, clock, Runnable::run);

    private void letCountIntervalPass() {
        List<Runnable> due = List.copyOf(later);
        later.clear();
        due.forEach(Runnable::run);
    }

    private record Client(Connection connection, RecordingSink sink) {
        List<String> frames() {
            return List.copyOf(sink.sent);
        }
    }

    private Client connect(String id, String user) {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = new Connection(id, new Identity(user, Set.of(), 0), sink, new SendQueueLimits(100, 100_000),
                (closed, code) -> {
                    connections.closed(closed, code);
                    rooms.connectionClosed(closed);
                }, 0);
        connections.register(connection);
        return new Client(connection, sink);
    }

    @Test
    void announcesAUsersFirstConnectionToTheOtherMembersOnly() {
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "lobby");
        Client bobPhone = connect("b1", "bob");
        RoomSnapshot seen = rooms.join(bobPhone.connection(), "lobby");
        assertEquals(2, seen.members());
        assertEquals(Set.of("amy", "bob"), Set.copyOf(seen.users()));
        assertEquals(List.of(Frames.presence("lobby", PresenceEvent.JOIN, "bob", 2)), amy.frames());
        assertTrue(bobPhone.frames().isEmpty(), "the joiner gets the joined reply, not its own announcement");

        Client bobLaptop = connect("b2", "bob");
        rooms.join(bobLaptop.connection(), "lobby");
        assertEquals(1, amy.frames().size(), "a second tab of bob is not announced again");
    }

    @Test
    void announcesALeaveOnlyWhenTheUsersLastConnectionGoesIncludingByClosing() {
        Client amy = connect("a1", "amy");
        Client bobPhone = connect("b1", "bob");
        Client bobLaptop = connect("b2", "bob");
        rooms.join(amy.connection(), "lobby");
        rooms.join(bobPhone.connection(), "lobby");
        rooms.join(bobLaptop.connection(), "lobby");
        amy.sink().sent.clear();
        rooms.leave(bobPhone.connection(), "lobby");
        assertTrue(amy.frames().isEmpty());
        bobLaptop.connection().close(1000, "tab closed");
        assertEquals(List.of(Frames.presence("lobby", PresenceEvent.LEAVE, "bob", 1)), amy.frames());
        ProtocolException notIn = assertThrows(ProtocolException.class, () -> rooms.leave(bobPhone.connection(), "lobby"));
        assertEquals(ErrorCode.NOT_MEMBER, notIn.code());
    }

    @Test
    void publishesToEveryMemberConnectionWithEchoOnOrOff() {
        Client amy = connect("a1", "amy");
        Client bob = connect("b1", "bob");
        Client outsider = connect("z1", "zed");
        rooms.join(amy.connection(), "lobby");
        rooms.join(bob.connection(), "lobby");
        amy.sink().sent.clear();
        FanOutReport echoed = rooms.publish("amy", "lobby", Json.createValue("hi"), amy.connection(), true);
        assertEquals(2, echoed.connections());
        assertEquals("42-0", echoed.messageId(), "room messages take stored ids");
        String frame = "{\"type\":\"message\",\"room\":\"lobby\",\"id\":\"42-0\",\"from\":\"amy\",\"content\":\"hi\",\"ts\":42}";
        assertEquals(List.of(frame), amy.frames());
        assertEquals(frame, bob.frames().get(bob.frames().size() - 1));
        FanOutReport quiet = rooms.publish("amy", "lobby", Json.createValue("again"), amy.connection(), false);
        assertEquals(1, quiet.connections());
        assertEquals(1, amy.frames().size(), "echo off skips the sender's connection");
        assertTrue(outsider.frames().isEmpty());
    }

    @Test
    void refusesJoiningMoreRoomsThanAllowed() {
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "one");
        rooms.join(amy.connection(), "two");
        ProtocolException refused = assertThrows(ProtocolException.class, () -> rooms.join(amy.connection(), "three"));
        assertEquals(ErrorCode.TOO_MANY_ROOMS, refused.code());
        assertEquals(List.of("amy"), rooms.join(amy.connection(), "two").users(), "re-joining a room it is in is fine");
    }

    @Test
    void kickRemovesEveryConnectionOfTheUserAndTellsEveryone() {
        Client amy = connect("a1", "amy");
        Client bobPhone = connect("b1", "bob");
        Client bobLaptop = connect("b2", "bob");
        rooms.join(amy.connection(), "lobby");
        rooms.join(bobPhone.connection(), "lobby");
        rooms.join(bobLaptop.connection(), "lobby");
        amy.sink().sent.clear();
        assertTrue(rooms.kick("lobby", "bob"));
        assertEquals(List.of(Frames.left(null, "lobby", RoomService.KICKED)), bobPhone.frames());
        assertEquals(List.of(Frames.left(null, "lobby", RoomService.KICKED)), bobLaptop.frames());
        assertEquals(List.of(Frames.presence("lobby", PresenceEvent.LEAVE, "bob", 1)), amy.frames());
        assertEquals(List.of("amy"), rooms.room("lobby").users());
        assertFalse(rooms.kick("lobby", "bob"), "not a member any more");
    }

    @Test
    void roomsAboveThePresenceEventCapGetOneCoalescedCountPerInterval() {
        Client first = connect("c0", "user0");
        rooms.join(first.connection(), "big");
        for (int i = 1; i < 6; i++) {
            rooms.join(connect("c" + i, "user" + i).connection(), "big");
        }
        assertEquals(List.of(Frames.presence("big", PresenceEvent.JOIN, "user1", 2), Frames.presence("big", PresenceEvent.JOIN, "user2", 3)),
                first.frames(), "joins up to 3 members are announced one by one, beyond that not at once");
        assertEquals(1, later.size(), "one update scheduled for three joins");
        letCountIntervalPass();
        assertEquals(Frames.memberCount("big", 6), first.frames().get(2), "then the count after the last change");
        assertEquals(3, first.frames().size());
        letCountIntervalPass();
        assertEquals(3, first.frames().size(), "nothing changed: nothing sent");
        rooms.connectionClosed(connectionOf("c5"));
        rooms.connectionClosed(connectionOf("c4"));
        letCountIntervalPass();
        assertEquals(List.of(Frames.memberCount("big", 4)), first.frames().subList(3, first.frames().size()), "leaves too");
        rooms.connectionClosed(connectionOf("c3"));
        assertEquals(Frames.presence("big", PresenceEvent.LEAVE, "user3", 3), first.frames().get(4), "back at the cap: per-user events again");
    }

    private Connection connectionOf(String id) {
        return connections.all().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void capsTheListedUsersButCountsExactly() {
        for (int i = 0; i < 5; i++) {
            rooms.join(connect("c" + i, "user" + i).connection(), "big");
        }
        RoomSnapshot room = rooms.room("big");
        assertEquals(5, room.members());
        assertEquals(2, room.users().size());
    }

    @Test
    void pagesThroughRoomsInNameOrder() {
        Client amy = connect("a1", "amy");
        Client bob = connect("b1", "bob");
        rooms.join(amy.connection(), "c");
        rooms.join(amy.connection(), "a");
        rooms.join(bob.connection(), "b");
        rooms.join(bob.connection(), "a");
        RoomPage first = rooms.rooms(null, 2);
        assertEquals(List.of(new RoomPage.Entry("a", 2), new RoomPage.Entry("b", 1)), first.rooms());
        assertEquals("b", first.next());
        RoomPage second = rooms.rooms(first.next(), 2);
        assertEquals(List.of(new RoomPage.Entry("c", 1)), second.rooms());
        assertEquals(null, second.next());
    }

    @Test
    void keepsRoomMessagesForHistoryAndJoinWithSince() {
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "lobby");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(rooms.publish("amy", "lobby", Json.createValue(i), amy.connection(), true).messageId());
        }
        RoomService.History latest = rooms.history("lobby", java.util.Optional.empty(), 2);
        assertEquals(2, latest.frames().size());
        assertTrue(latest.frames().get(1).contains("\"id\":\"" + ids.get(2) + "\""), "oldest first, newest last");
        RoomService.History after = rooms.history("lobby", java.util.Optional.of(MessageId.parse(ids.get(0), "id")), 10);
        assertEquals(2, after.frames().size());
        assertTrue(after.recovered());

        Client bob = connect("b1", "bob");
        RoomService.JoinedRoom joined = rooms.join(bob.connection(), "lobby", java.util.Optional.of(MessageId.parse(ids.get(0), "id")));
        assertEquals(Boolean.TRUE, joined.recovered());
        rooms.publish("amy", "lobby", Json.createValue("live"), amy.connection(), true);
        assertTrue(bob.frames().isEmpty(), "live traffic waits for the history");
        rooms.replayHistory(bob.connection(), joined);
        assertEquals(3, bob.frames().size());
        assertTrue(bob.frames().get(0).contains(ids.get(1)));
        assertTrue(bob.frames().get(2).contains("\"live\""));
    }

    @Test
    void aDirectMessageArrivingDuringAJoinWithSinceIsNeitherHeldNorDropped() {
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "lobby");
        Client bob = connect("b1", "bob");
        RoomService.JoinedRoom joined = rooms.join(bob.connection(), "lobby", java.util.Optional.of(MessageId.ZERO));
        // while the room's history is being read: a direct message to bob, then a room message after it
        DeliveryReport direct = broker.publishStored(new Broker.StoredDirect("carol", List.of("bob"),
                Frames.messageTemplate("carol", List.of("bob"), Json.createValue("hi"), 42), null, false)).toCompletableFuture().join();
        String directFrame = bob.frames().get(bob.frames().size() - 1);
        assertTrue(directFrame.contains(direct.messageId()), "the inbox is not held by a room's replay");
        FanOutReport room = rooms.publish("amy", "lobby", Json.createValue("later"), amy.connection(), false);
        assertFalse(bob.frames().stream().anyMatch(frame -> frame.contains(room.messageId())), "the room's live traffic waits");
        rooms.replayHistory(bob.connection(), joined);
        assertEquals(1, bob.frames().stream().filter(frame -> frame.contains(direct.messageId())).count(),
                "the direct message stays delivered once");
        assertEquals(1, bob.frames().stream().filter(frame -> frame.contains(room.messageId())).count(),
                "the room message is sent once, by the history or the hold-back");
        assertTrue(joined.recovered());
    }

    @Test
    void replaysEveryPageOfARoomsHistory() {
        // pages of 30 over a history of 100
        SwitchboardConfig smallPages = TestConfig.withRoomHistoryOf(TestConfig.roomLimits(2, 2, 3), 30);
        RoomService paged = new RoomService(registry, broker, presence, smallPages, inbox, counts, clock, Runnable::run);
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "lobby");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(rooms.publish("amy", "lobby", Json.createValue(i), amy.connection(), false).messageId());
        }
        Client bob = connect("b1", "bob");
        paged.replayHistory(bob.connection(), paged.join(bob.connection(), "lobby", java.util.Optional.of(MessageId.ZERO)));
        List<String> got = bob.frames().stream().filter(frame -> frame.contains("\"type\":\"message\"")).toList();
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertTrue(got.get(i).contains(ids.get(i)), "in order, none skipped");
        }
    }

    @Test
    void aLiveRoomMessageAlreadySentByTheHistoryIsNotSentAgain() {
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "lobby");
        FanOutReport first = rooms.publish("amy", "lobby", Json.createValue("one"), amy.connection(), false);
        Client bob = connect("b1", "bob");
        rooms.replayHistory(bob.connection(), rooms.join(bob.connection(), "lobby", java.util.Optional.of(MessageId.ZERO)));
        MessageId id = MessageId.parse(first.messageId(), "test");
        // the relayed copy of that message reaches this node only now (a slow subscriber)
        bob.connection().deliver(io.switchboard.connection.StreamKey.room("lobby"), id, "late copy");
        assertFalse(bob.frames().contains("late copy"));
    }

    @Test
    void leavingARoomDuringItsHistoryReplayStopsTheReplayAndDropsWhatItHeld() {
        Client amy = connect("a1", "amy");
        rooms.join(amy.connection(), "lobby");
        for (int i = 0; i < 50; i++) {
            rooms.publish("amy", "lobby", Json.createValue("m" + i), amy.connection(), false);
        }
        List<Runnable> background = new java.util.ArrayList<>();
        RoomService replaying = new RoomService(registry, broker, presence, TestConfig.withRoomHistoryOf(TestConfig.roomLimits(2, 2, 3), 100),
                inbox, counts, clock, background::add);
        RecordingSink sink = RecordingSink.stalled();
        Connection bob = new Connection("b1", new Identity("bob", Set.of(), 0), sink, new SendQueueLimits(10, 100_000),
                (closed, code) -> connections.closed(closed, code), 0);
        connections.register(bob);
        RoomService.JoinedRoom joined = replaying.join(bob, "lobby", java.util.Optional.of(MessageId.ZERO));
        replaying.replayHistory(bob, joined); // the queue takes 5 (half of 10), then the replay waits for the writer
        rooms.publish("amy", "lobby", Json.createValue("live"), amy.connection(), false); // held back
        replaying.leave(bob, "lobby");
        bob.send("after-leave");
        while (sink.pendingCount() > 0 || !background.isEmpty()) {
            if (sink.pendingCount() > 0) {
                sink.completeNext();
            } else {
                List<Runnable> due = List.copyOf(background);
                background.clear();
                due.forEach(Runnable::run);
            }
        }
        List<String> sent = List.copyOf(sink.sent);
        assertEquals("after-leave", sent.get(sent.size() - 1), "no room message after the leave: " + sent);
        assertTrue(sent.size() < 50, "the replay stopped");
        assertFalse(sent.stream().anyMatch(frame -> frame.contains("\"live\"")), "what it held is dropped");
        assertTrue(bob.isOpen());
    }
}
