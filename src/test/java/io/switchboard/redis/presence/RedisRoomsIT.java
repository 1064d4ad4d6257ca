package io.switchboard.redis.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.protocol.PresenceEvent;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.routing.PresenceChange;
import io.switchboard.routing.RoomChange;
import io.switchboard.routing.RoomPage;
import io.switchboard.routing.RoomSnapshot;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The room scripts against a real redis-server, without Payara: gateway-wide first/last decisions,
 * exact counts, reaping a dead member exactly once, reconciliation. Each "member" is one node run.
 */
class RedisRoomsIT {
    private static RedisServer redis;
    private final List<RedisClient> clients = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(Path.of("target", "redis-rooms-it"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RedisClient::close);
    }

    private RedisRooms member(String nodeId) {
        SwitchboardConfig config = TestConfig.cluster(redis.url(), nodeId, 5000, 1000);
        RedisClient client = RedisFixtures.client(config);
        clients.add(client);
        ClusterMember identity = RedisFixtures.member(config);
        RedisRooms rooms = new RedisRooms();
        rooms.redis = client;
        rooms.member = identity;
        return rooms;
    }

    private static String room() {
        return "room-" + UUID.randomUUID();
    }

    @Test
    void announcesAUsersFirstAndLastConnectionOnceAcrossMembers() {
        RedisRooms a = member("node-a");
        RedisRooms b = member("node-b");
        String room = room();
        assertEquals(new RoomChange(true, 1), a.join("a1", "bob", room));
        assertEquals(new RoomChange(false, 1), b.join("b1", "bob", room), "bob's second device, on the other node");
        assertEquals(new RoomChange(true, 2), b.join("b2", "amy", room));
        assertEquals(new RoomChange(false, 2), b.join("b2", "amy", room), "joining twice changes nothing");
        assertEquals(new RoomChange(false, 2), a.leave("a1", room));
        assertEquals(new RoomChange(true, 1), b.leave("b1", room), "bob's last connection");
        assertEquals(new RoomChange(false, 1), b.leave("b1", room), "leaving twice changes nothing");
        RoomSnapshot snapshot = a.room(room, 10);
        assertEquals(1, snapshot.members());
        assertEquals(List.of("amy"), snapshot.users());
    }

    @Test
    void decidesFirstAndLastOnceUnderConcurrentChangesFromTwoMembers() throws Exception {
        RedisRooms a = member("node-a");
        RedisRooms b = member("node-b");
        String room = room();
        AtomicInteger joins = new AtomicInteger();
        AtomicInteger leaves = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            RedisRooms member = t % 2 == 0 ? a : b;
            String connection = "tab-" + t;
            runs.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    if (member.join(connection, "bob", room).announce()) {
                        joins.incrementAndGet();
                    }
                    if (member.leave(connection, room).announce()) {
                        leaves.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> run : runs) {
            run.get();
        }
        pool.shutdown();
        assertEquals(joins.get(), leaves.get());
        assertTrue(joins.get() > 0);
        assertEquals(0, a.room(room, 10).members());
        assertTrue(a.rooms(null, 1000).rooms().stream().noneMatch(entry -> entry.room().equals(room)), "empty rooms unlisted");
    }

    @Test
    void reapsADeadMemberOnceAnnouncingOnlyUsersWithNoConnectionLeft() throws Exception {
        RedisRooms survivor = member("node-a");
        RedisRooms dead = member("node-b");
        String lobby = room();
        String news = room();
        survivor.join("a1", "amy", lobby);
        dead.join("b1", "amy", lobby);      // amy stays: she still has a1
        dead.join("b2", "bob", lobby);
        dead.join("b3", "bob", lobby);      // bob's two tabs: one leave
        dead.join("b4", "carol", news);
        redis.command("ZADD sb:nodes 1 " + dead.member.id()); // expired long ago
        long now = System.currentTimeMillis();
        assertTrue(survivor.expiredMembers(now).contains(dead.member.id()));
        List<PresenceChange> leaves = survivor.reap(dead.member.id(), now, false);
        assertEquals(Set.of(new PresenceChange(lobby, PresenceEvent.LEAVE, "bob", 1), new PresenceChange(news, PresenceEvent.LEAVE, "carol", 0)),
                Set.copyOf(leaves));
        assertEquals(2, leaves.size());
        assertEquals(List.of(), survivor.reap(dead.member.id(), now, false), "a second reaper finds nothing");
        assertEquals(1, survivor.room(lobby, 10).members());
        assertEquals(0, survivor.room(news, 10).members());
        assertTrue(!survivor.expiredMembers(now).contains(dead.member.id()));
    }

    @Test
    void doesNotReapAMemberThatIsAliveAgain() throws Exception {
        RedisRooms a = member("node-a");
        RedisRooms b = member("node-b");
        String room = room();
        b.join("b1", "bob", room);
        long now = System.currentTimeMillis();
        redis.command("ZADD sb:nodes " + (now + 60_000) + " " + b.member.id());
        assertEquals(List.of(), a.reap(b.member.id(), now, false));
        assertEquals(1, a.room(room, 10).members());
    }

    @Test
    void reconcilesAMembersRecordWithItsActualConnections() {
        RedisRooms a = member("node-a");
        RedisRooms b = member("node-b");
        String room = room();
        b.join("b0", "amy", room);
        a.join("a1", "bob", room);      // stale: a1 closed while Redis was unreachable
        a.join("a2", "carol", room);    // still there
        // a3 (dave) joined locally while Redis was unreachable
        List<PresenceChange> changes = a.reconcile(room, Map.of("a2", "carol", "a3", "dave"));
        assertEquals(Set.of(new PresenceChange(room, PresenceEvent.LEAVE, "bob", 2), new PresenceChange(room, PresenceEvent.JOIN, "dave", 3)),
                Set.copyOf(changes));
        assertEquals(Set.of("amy", "carol", "dave"), Set.copyOf(a.room(room, 10).users()));
        assertEquals(List.of(), a.reconcile(room, Map.of("a2", "carol", "a3", "dave")), "idempotent");
        assertEquals(Set.of(room), Set.copyOf(a.roomsOfThisMember()));
        a.reconcile(room, Map.of());
        assertTrue(a.roomsOfThisMember().isEmpty(), "no connections here: the room is no longer this member's");
        assertEquals(List.of("amy"), a.room(room, 10).users());
    }

    @Test
    void countsARoomsUsersWithoutListingThem() {
        RedisRooms a = member("node-a");
        String room = room();
        a.join("a1", "bob", room);
        a.join("a2", "amy", room);
        RoomSnapshot counted = a.room(room, 0);
        assertEquals(2, counted.members(), "the count alone (what the coalesced presence counts read)");
        assertTrue(counted.users().isEmpty());
        assertEquals(Set.of("bob", "amy"), Set.copyOf(a.room(room, 5).users()));
    }

    @Test
    void listsRoomsInNameOrderPageByPageAndCapsUserLists() {
        RedisRooms a = member("node-a");
        String prefix = "page-" + UUID.randomUUID() + "-";
        for (int i = 0; i < 5; i++) {
            a.join("c" + i, "user" + i, prefix + i);
            a.join("d" + i, "other" + i, prefix + "0");
        }
        RoomPage first = a.rooms(prefix.substring(0, prefix.length() - 1), 3);
        assertEquals(List.of(new RoomPage.Entry(prefix + "0", 6), new RoomPage.Entry(prefix + "1", 1),
                new RoomPage.Entry(prefix + "2", 1)), first.rooms().subList(0, 3));
        assertEquals(prefix + "2", first.next());
        RoomSnapshot big = a.room(prefix + "0", 4);
        assertEquals(6, big.members());
        assertEquals(4, big.users().size());
    }
}
