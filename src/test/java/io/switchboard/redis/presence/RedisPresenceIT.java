package io.switchboard.redis.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.security.Identity;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence semantics against a real redis-server, without Payara: which connections count, and when
 * they stop counting. Heartbeat here: 5 s interval (entries live 11 s), 1 s timeout (a member that
 * stops ticking is dead after 3 s), so "dead member" and "expired entry" can be told apart.
 */
class RedisPresenceIT {
    private static RedisServer redis;
    private final List<Member> started = new ArrayList<>();

    /** One node run: its presence bean with a writer thread, like the node's lifecycle ({@code redis.RedisNode}) runs it. */
    private record Member(RedisPresence presence, NodeLiveness liveness, AtomicInteger lapses, ConnectionRegistry registry,
            Thread writer, RedisClient client) {
        void tick() {
            presence.tick();
        }

        Connection open(String user) {
            Connection connection = new Connection(UUID.randomUUID().toString(), new Identity(user, Set.of(), 0),
                    RecordingSink.fast(), new SendQueueLimits(10, 10_000), (closed, code) -> {
                        registry.closed(closed, code); // as GatewayEndpoint wires it
                        presence.closed(closed);
                    }, 0);
            registry.register(connection);
            presence.opened(connection);
            return connection;
        }

        /** Stops writing without leaving, as a SIGKILLed node does. */
        void crash() throws InterruptedException {
            presence.stopWriter();
            writer.join(5000);
        }
    }

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(Path.of("target", "redis-presence-it"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void stopMembers() throws Exception {
        for (Member member : started) {
            member.crash();
            member.client().close();
        }
    }

    private Member member(String nodeId) {
        SwitchboardConfig config = TestConfig.cluster(redis.url(), nodeId, 5000, 1000);
        RedisClient client = RedisFixtures.client(config);
        ClusterMember identity = RedisFixtures.member(config);
        AtomicInteger lapses = new AtomicInteger();
        NodeLiveness liveness = PresenceFixtures.liveness(config, client, identity, PresenceFixtures.lapses(lapses));
        RedisPresence presence = PresenceFixtures.presence(config, client, new RelayState(), new ConnectionRegistry(), identity,
                liveness);
        Thread writer = new Thread(presence::runWriter, "presence-writer-" + nodeId);
        writer.start();
        Member member = new Member(presence, liveness, lapses, presence.registry, writer, client);
        started.add(member);
        member.tick();
        return member;
    }

    /** The member's liveness score in Redis (alive-until epoch ms), 0 if absent. */
    private static long livenessOf(Member node) throws Exception {
        String reply = redis.command("ZSCORE " + RedisKeys.NODES + " " + node.presence().member.id());
        String[] lines = reply.split("\r\n");
        return lines[0].equals("$-1") ? 0 : (long) Double.parseDouble(lines[1]);
    }

    /**
     * A connect storm holds every pooled connection (request threads replaying, writing presence): the
     * node's liveness must still be written at once, or other nodes presume it dead and it closes every
     * client with 1012. The presence writer has its own connection for that.
     */
    @Test
    void keepsItsLivenessWhileRequestThreadsHoldEveryPooledConnection() throws Exception {
        Member node = member("node-busy-" + UUID.randomUUID());
        Eventually.within(Duration.ofSeconds(5), "the first liveness write", () -> {
            try {
                return livenessOf(node) > 0;
            } catch (Exception e) {
                return false;
            }
        });
        List<java.io.Closeable> held = new ArrayList<>(); // pooled connections (redis.clients.jedis.Connection)
        try {
            for (int i = 0; i < 32; i++) {
                held.add(((redis.clients.jedis.JedisPooled) node.client().commands()).getPool().getResource());
            }
            Connection opened = node.open("storm-" + UUID.randomUUID()); // its entry waits for no pooled connection either
            long before = livenessOf(node);
            Thread.sleep(20);
            node.tick();
            Eventually.within(Duration.ofSeconds(1), "the liveness write, although the pool is exhausted", () -> {
                try {
                    return livenessOf(node) > before;
                } catch (Exception e) {
                    return false;
                }
            }); // the deadline is the assertion: a write waiting for a pooled connection would miss it
            assertEquals(":1", redis.command("HLEN " + RedisKeys.presence(opened.user())).strip(),
                    "and the entry queued before it was written too");
        } finally {
            for (java.io.Closeable connection : held) {
                connection.close();
            }
        }
    }

    /**
     * The liveness write runs while the node is not subscribed; a subscription completes while the write
     * waits for Redis and asks at once whether a lapse went unnoticed. A healthy node must answer no (it
     * used to answer yes, and close every client with 1012); a node that had really lapsed must still act,
     * even though the subscription asked before the write found the lapse.
     */
    @Test
    void aSubscriptionCompletingDuringTheLivenessWriteGetsNoFalseLapseAndMissesNoRealOne() throws Exception {
        Member node = member("node-lapse-" + UUID.randomUUID());
        AtomicInteger handled = node.lapses();
        Eventually.within(Duration.ofSeconds(5), "the first write (a lapse: not there yet) is flagged", () -> node.liveness().lapseUnnoticed());

        CompletableFuture<Void> stall = redis.stall(1500);
        long queued = node.liveness().writesQueued();
        long answered = node.liveness().writesAnswered();
        node.tick(); // alive: the write waits for Redis
        Eventually.within(Duration.ofSeconds(5), "the write is on its way", () -> node.liveness().writesQueued() > queued);
        node.liveness().subscribed();
        assertFalse(node.liveness().lapseUnnoticed(), "a healthy node is not told to resume its clients");
        stall.join();
        Eventually.within(Duration.ofSeconds(5), "the write was answered", () -> node.liveness().writesAnswered() > answered);
        assertEquals(0, handled.get());
        assertFalse(node.liveness().lapseUnnoticed());

        redis.command("ZREM sb:nodes " + node.presence().member.id()); // presumed dead and reaped meanwhile
        stall = redis.stall(1500);
        long queuedAgain = node.liveness().writesQueued();
        node.tick();
        Eventually.within(Duration.ofSeconds(5), "the write is on its way", () -> node.liveness().writesQueued() > queuedAgain);
        node.liveness().subscribed();
        assertFalse(node.liveness().lapseUnnoticed(), "asked before the write found the lapse");
        stall.join();
        Eventually.within(Duration.ofSeconds(5), "the lapse is acted on by the write that found it", () -> handled.get() == 1);
        assertFalse(node.liveness().lapseUnnoticed(), "acted on once");

        redis.command("ZREM sb:nodes " + node.presence().member.id());
        node.tick(); // no subscription completes this time: the next one acts on it
        Eventually.within(Duration.ofSeconds(5), "flagged for the next subscription", () -> node.liveness().lapseUnnoticed());
        assertEquals(1, handled.get());
    }

    private static int connections(Member reader, String user) {
        return reader.presence().lookup(List.of(user)).get(user).values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void countsEveryLiveConnectionOfAUserAcrossMembers() {
        Member a = member("node-a");
        Member b = member("node-b");
        String bob = "bob-" + UUID.randomUUID();
        a.open(bob);
        b.open(bob);
        Connection second = b.open(bob);
        Eventually.within(Duration.ofSeconds(5), "3 connections visible", () -> connections(a, bob) == 3);
        Map<String, Integer> byMember = a.presence().lookup(List.of(bob)).get(bob);
        assertEquals(Set.of("node-a", "node-b"), Set.copyOf(byMember.keySet().stream().map(ClusterMember::nodeOf).toList()));
        second.close(1000, "bye");
        Eventually.within(Duration.ofSeconds(5), "closed connection forgotten", () -> connections(a, bob) == 2);
    }

    @Test
    void forgetsACrashedMembersConnectionsOnceItStopsTicking() throws Exception {
        Member a = member("node-a");
        Member b = member("node-b");
        String carol = "carol-" + UUID.randomUUID();
        b.open(carol);
        Eventually.within(Duration.ofSeconds(5), "carol visible", () -> connections(a, carol) == 1);
        b.crash();
        // within the node TTL (3 s here), well before her entry itself would have expired (11 s)
        Eventually.within(Duration.ofSeconds(6), "carol gone after node B crashed", () -> connections(a, carol) == 0);
    }

    @Test
    void aNodeRestartedUnderTheSameIdDoesNotReviveItsPreviousRun() throws Exception {
        Member reader = member("node-a");
        Member firstRun = member("node-b");
        String dave = "dave-" + UUID.randomUUID();
        firstRun.open(dave);
        Eventually.within(Duration.ofSeconds(5), "dave visible", () -> connections(reader, dave) == 1);
        firstRun.crash();
        Member secondRun = member("node-b"); // same configured id, keeps ticking
        for (int i = 0; i < 5; i++) {
            secondRun.tick();
            reader.tick();
            Thread.sleep(1000);
        }
        assertEquals(0, connections(reader, dave), "the old run's unexpired entry must not count");
    }

    @Test
    void leavingRemovesAMemberAtOnce() {
        Member a = member("node-a");
        Member b = member("node-b");
        String erin = "erin-" + UUID.randomUUID();
        b.open(erin);
        Eventually.within(Duration.ofSeconds(5), "erin visible", () -> connections(a, erin) == 1);
        b.presence().leave();
        assertEquals(0, connections(a, erin));
    }
}
