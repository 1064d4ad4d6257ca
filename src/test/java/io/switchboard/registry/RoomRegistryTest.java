package io.switchboard.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.security.Identity;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {
    private final RoomRegistry rooms = new RoomRegistry();

    private static Connection connection(String id, String user) {
        return new Connection(id, new Identity(user, Set.of(), 0), RecordingSink.fast(), new SendQueueLimits(10, 10_000),
                (c, code) -> { }, 0);
    }

    @Test
    void marksOnlyAUsersFirstConnectionAsAChangeOfPresence() {
        RoomRegistry.Joined first = rooms.join(connection("c1", "bob"), "lobby", 10);
        RoomRegistry.Joined secondTab = rooms.join(connection("c2", "bob"), "lobby", 10);
        RoomRegistry.Joined other = rooms.join(connection("c3", "amy"), "lobby", 10);
        assertEquals(new RoomRegistry.Change(true, 1), first.change());
        assertEquals(new RoomRegistry.Change(false, 1), secondTab.change());
        assertEquals(new RoomRegistry.Change(true, 2), other.change());
        assertEquals(3, rooms.members("lobby").size());
    }

    @Test
    void marksOnlyAUsersLastConnectionLeavingAsAChangeOfPresence() {
        Connection phone = connection("c1", "bob");
        Connection laptop = connection("c2", "bob");
        rooms.join(phone, "lobby", 10);
        rooms.join(laptop, "lobby", 10);
        assertEquals(new RoomRegistry.Change(false, 1), rooms.leave(phone, "lobby"));
        assertEquals(new RoomRegistry.Change(true, 0), rooms.leave(laptop, "lobby"));
        assertNull(rooms.leave(laptop, "lobby"), "not a member any more");
        assertTrue(rooms.rooms().isEmpty(), "empty rooms are dropped");
        assertTrue(rooms.roomsOf(laptop).isEmpty());
    }

    @Test
    void refusesJoiningTwiceBeyondTheLimitOrWhenClosed() {
        Connection connection = connection("c1", "bob");
        assertEquals(RoomRegistry.JoinOutcome.JOINED, rooms.join(connection, "a", 2).outcome());
        assertEquals(RoomRegistry.JoinOutcome.ALREADY_MEMBER, rooms.join(connection, "a", 2).outcome());
        assertEquals(RoomRegistry.JoinOutcome.JOINED, rooms.join(connection, "b", 2).outcome());
        assertEquals(RoomRegistry.JoinOutcome.ROOM_LIMIT_REACHED, rooms.join(connection, "c", 2).outcome());
        assertEquals(List.of("a", "b"), rooms.roomsOf(connection).stream().sorted().toList());
        rooms.leave(connection, "a");
        assertEquals(RoomRegistry.JoinOutcome.JOINED, rooms.join(connection, "c", 2).outcome(), "a freed slot counts");
        Connection closed = connection("c2", "amy");
        closed.close(1000, "bye");
        assertEquals(RoomRegistry.JoinOutcome.CLOSED, rooms.join(closed, "a", 2).outcome());
        assertFalse(rooms.memberships("a").containsKey("c2"));
    }

    @Test
    void decidesFirstAndLastExactlyOnceUnderConcurrentJoinsAndLeaves() throws Exception {
        int threads = 8;
        int rounds = 2000;
        AtomicInteger firsts = new AtomicInteger();
        AtomicInteger lasts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            Connection tab = connection("tab-" + t, "bob");
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    if (rooms.join(tab, "lobby", 10).change().userChanged()) {
                        firsts.incrementAndGet();
                    }
                    if (rooms.leave(tab, "lobby").userChanged()) {
                        lasts.incrementAndGet();
                    }
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(firsts.get(), lasts.get(), "every first join is matched by exactly one last leave");
        assertTrue(firsts.get() > 0);
        assertTrue(rooms.members("lobby").isEmpty());
    }
}
