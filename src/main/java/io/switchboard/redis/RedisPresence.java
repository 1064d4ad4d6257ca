package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Cluster-wide presence in Redis. Per user a hash {@code sb:presence:<user>} of connection id →
 * {@code member|expiresAt}; per member (node run, see {@link ClusterMember}) a score in {@code sb:nodes}
 * (alive until) and its connection count. Every connection entry is rewritten each heartbeat interval,
 * every member score each tick, so entries of a crashed node stop counting within
 * {@link #nodeTtlMillis()} and disappear with their keys.
 *
 * <p>Threads: all writes run on one "presence writer" thread (started by {@link RedisNode}) fed by a
 * bounded queue, so opens and closes apply in order and never block a WebSocket or timer thread. Reads
 * ({@link #lookup}) run on the caller's thread with one pipelined round trip.
 */
@ApplicationScoped
public class RedisPresence {
    private static final Logger LOG = Logger.getLogger(RedisPresence.class.getName());
    private static final int QUEUE_LIMIT = 100_000;
    private static final int REFRESH_BATCH = 1000;
    private static final Runnable STOP = () -> { };

    /**
     * Renews a member's liveness in {@code sb:nodes} and, if it had lapsed (missing, or expired by Redis'
     * clock: other nodes stored messages for its connections without relaying them), publishes
     * {@link RelayCodec.Kind#LAPSED} on the member's own channel in the same atomic step, so that its
     * subscriber sees the notice before any message routed to it again. KEYS: nodes. ARGV: member,
     * alive-until ms, member channel, notice payload. Returns {0} (was alive), {1, receivers} (was
     * missing), or {2, receivers, its old alive-until, Redis' now} (had expired); receivers = 0 when the
     * member's subscriber was not subscribed to take the notice. Read into a {@link Liveness}.
     */
    static final String LIVENESS = """
            local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if old and tonumber(old) >= now then return {0} end
            local receivers = redis.call('PUBLISH', ARGV[3], ARGV[4])
            if old then return {2, receivers, old, tostring(now)} end
            return {1, receivers}
            """;

    /**
     * {@link #LIVENESS}'s reply, typed: whether this member was alive, missing or expired before the write, how
     * many subscribers took the lapse notice it published (missing or expired only), and for an expired member
     * its old alive-until and Redis' time (as Redis returned them).
     */
    record Liveness(State state, long noticeReceivers, String aliveUntil, String redisNow) {
        enum State {
            /** Alive until later than now: nothing was missed. */
            ALIVE,
            /** Not in the members at all (first write, Redis lost its data, or another node reaped it). */
            MISSING,
            /** Present but expired by Redis' clock: others stored messages for its connections without relaying them. */
            EXPIRED
        }

        static Liveness of(List<?> reply) {
            return switch (((Number) reply.get(0)).intValue()) {
                case 0 -> new Liveness(State.ALIVE, 0, null, null);
                case 1 -> new Liveness(State.MISSING, ((Number) reply.get(1)).longValue(), null, null);
                case 2 -> new Liveness(State.EXPIRED, ((Number) reply.get(1)).longValue(), String.valueOf(reply.get(2)),
                        String.valueOf(reply.get(3)));
                default -> throw new IllegalStateException("Unexpected liveness reply " + reply);
            };
        }

        /** Whether the member's liveness had lapsed (missing or expired): the script published a lapse notice. */
        boolean lapsed() {
            return state != State.ALIVE;
        }
    }

    @Inject
    SwitchboardConfig config;

    @Inject
    RedisClient redis;

    @Inject
    RelayState state;

    @Inject
    ConnectionRegistry registry;

    @Inject
    ClusterMember member;

    private final BlockingQueue<Runnable> writes = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    private volatile Map<String, Integer> connectionsByNode = Map.of();
    private volatile long lastFullRefresh;
    private final AtomicBoolean rejoined = new AtomicBoolean();
    /** A lapse whose notice reached no subscriber of this node (see {@link #lapseUnnoticed}). */
    private final AtomicBoolean lapseUnnoticed = new AtomicBoolean();
    /** Subscriptions completed so far (see {@link #subscriptionCompleted}). */
    private final AtomicLong subscriptions = new AtomicLong();
    /** Acts on a lapse nobody heard of, when a subscription that completed meanwhile may have looked too early. */
    private volatile Runnable unnoticedLapseHandler = () -> { };
    /** Whether a liveness write of this run has succeeded before (writer thread only). */
    private boolean wasAlive;

    /** How long a node counts as alive after its last tick: the heartbeat timeout plus two missed ticks. */
    long nodeTtlMillis() {
        return config.heartbeat().timeout().toMillis() + 2 * RedisNode.TICK_MILLIS;
    }

    /** How long a connection entry counts after it was last written. */
    /** How long a connection's entry (and its user's hash, unless rewritten) lives without a refresh. */
    long entryTtlMillis() {
        return 2 * config.heartbeat().interval().toMillis() + config.heartbeat().timeout().toMillis();
    }

    void opened(Connection connection) {
        enqueue(() -> write(connection));
    }

    /** The entry a connection of this member gets when written now (here, or by {@link RedisInbox#open}'s script). */
    String entryNow() {
        return PresenceEntry.encode(member.id(), System.currentTimeMillis() + entryTtlMillis());
    }

    void closed(Connection connection) {
        enqueue(() -> redis.presenceCommands().hdel(RedisKeys.presence(connection.user()), connection.id()));
    }

    /** Called each heartbeat tick (timer thread): queue the node's liveness write and, each interval, a full refresh. */
    void tick() {
        enqueue(this::refresh);
    }

    /** Called when the relay comes back: everything local is rewritten at the next write. */
    void resynchronise() {
        lastFullRefresh = 0;
        tick();
    }

    /**
     * Whether, since last asked, this member's liveness write found it missing from the cluster (first
     * tick, Redis lost its data, or other nodes presumed it dead and reaped it): its rooms must then be
     * reconciled.
     */
    boolean rejoinedSinceLastAsked() {
        return rejoined.getAndSet(false);
    }

    /**
     * Whether this node's liveness lapsed while it was not subscribed, so that its notice went to nobody;
     * clears it. The subscriber asks right after subscribing (after {@link #subscriptionCompleted}).
     */
    boolean lapseUnnoticed() {
        return lapseUnnoticed.getAndSet(false);
    }

    /** Subscriber thread: a subscription is live (both channels), before it asks {@link #lapseUnnoticed}. */
    void subscriptionCompleted() {
        subscriptions.incrementAndGet();
    }

    /** What to run when a lapse is found that a subscription completing meanwhile may have missed. */
    void onUnnoticedLapse(Runnable handler) {
        unnoticedLapseHandler = handler;
    }

    /** Other live nodes' connection counts as of their last tick (for broadcast acks). */
    int remoteConnections() {
        return connectionsByNode.entrySet().stream()
                .filter(e -> !e.getKey().equals(member.id()))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * Connection counts per live member (node run) for each user, in one round trip. Throws {@link JedisException}
     * when Redis cannot answer.
     */
    Map<String, Map<String, Integer>> lookup(List<String> users) {
        Lookup lookup;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            lookup = queueLookup(pipeline, users);
            pipeline.sync();
        }
        return lookup.countsByNode();
    }

    /**
     * Queues the reads of {@link #lookup} in {@code pipeline} (the caller syncs it), so that they can share a
     * round trip with other work: the live members and each user's presence hash.
     */
    Lookup queueLookup(AbstractPipeline pipeline, Collection<String> users) {
        long now = System.currentTimeMillis();
        Map<String, Response<Map<String, String>>> hashes = new LinkedHashMap<>();
        Response<List<String>> live = pipeline.zrangeByScore(RedisKeys.NODES, now, Double.POSITIVE_INFINITY);
        for (String user : users) {
            hashes.computeIfAbsent(user, u -> pipeline.hgetAll(RedisKeys.presence(u)));
        }
        return new Lookup(now, live, hashes);
    }

    /** The pending replies of a queued {@link #lookup}; read them after the pipeline's sync. */
    record Lookup(long nowMillis, Response<List<String>> live, Map<String, Response<Map<String, String>>> hashes) {
        /** Connection counts per live member for each user looked up; throws {@link JedisException} for a failed read. */
        Map<String, Map<String, Integer>> countsByNode() {
            Set<String> liveNodes = new HashSet<>(live.get());
            Map<String, Map<String, Integer>> result = new LinkedHashMap<>();
            hashes.forEach((user, hash) -> result.put(user, PresenceEntry.countsByNode(hash.get().values(), liveNodes, nowMillis)));
            return result;
        }
    }

    /** The writer loop; runs until {@link #stopWriter}. */
    void runWriter() {
        while (true) {
            Runnable write;
            try {
                write = writes.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (write == STOP) {
                return;
            }
            if (write == null) {
                continue;
            }
            try {
                write.run();
                state.commandSucceeded();
            } catch (JedisException e) {
                // Dropped: the next full refresh rewrites what is still open; closed entries expire.
                lastFullRefresh = 0;
                state.commandFailed(e);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Presence write failed", e);
            }
        }
    }

    void stopWriter() {
        writes.clear();
        writes.offer(STOP);
    }

    /** On shutdown: this run stops counting at once, instead of after the liveness TTL. Best effort. */
    void leave() {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.zrem(RedisKeys.NODES, member.id());
            pipeline.hdel(RedisKeys.NODE_CONNECTIONS, member.id());
            pipeline.sync();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not leave the cluster cleanly; the liveness TTL will", e);
        }
    }

    private void enqueue(Runnable write) {
        if (!writes.offer(write)) {
            lastFullRefresh = 0; // overloaded: the next refresh catches up
        }
    }

    /** Writes the connection's entry through the writer's own Redis connection. Writer thread. */
    private void write(Connection connection) {
        String key = RedisKeys.presence(connection.user());
        try (AbstractPipeline pipeline = redis.pipelined(redis.presenceCommands())) {
            pipeline.hset(key, connection.id(), entryNow());
            pipeline.pexpire(key, entryTtlMillis());
            if (config.inbox().enabled()) {
                // the recipient policy "known": clients may store messages for users seen within the retention age
                pipeline.psetex(RedisKeys.known(connection.user()), config.inbox().maxAge().toMillis(), "1");
            }
            pipeline.sync();
        }
    }

    /** The node's liveness and connection count; every interval also every local entry. Writer thread. */
    private void refresh() {
        long now = System.currentTimeMillis();
        UnifiedJedis commands = redis.presenceCommands();
        boolean full = now - lastFullRefresh >= config.heartbeat().interval().toMillis();
        Response<Map<String, String>> counts;
        Response<List<String>> live;
        Response<Object> lapsed;
        // A lapse whose notice reached no subscriber is flagged for the next subscription; one that
        // completed while this ran may have asked before the flag was up: then it is acted on here.
        // (Raising the flag before the write instead made healthy nodes resume their clients needlessly.)
        long subscriptionsBefore = subscriptions.get();
        try (AbstractPipeline pipeline = redis.pipelined(commands)) {
            // Dead members stay in NODES until RedisNode's reaper removes them with their room memberships.
            lapsed = pipeline.eval(LIVENESS, List.of(RedisKeys.NODES), List.of(member.id(),
                    String.valueOf(now + nodeTtlMillis()), RedisKeys.memberChannel(member.id()),
                    RelayCodec.encode(member.id(), RelayCodec.Kind.LAPSED, List.of(), "")));
            pipeline.hset(RedisKeys.NODE_CONNECTIONS, member.id(), String.valueOf(registry.size()));
            counts = pipeline.hgetAll(RedisKeys.NODE_CONNECTIONS);
            live = pipeline.zrangeByScore(RedisKeys.NODES, now, Double.POSITIVE_INFINITY);
            pipeline.sync();
        }
        Liveness liveness = Liveness.of((List<?>) lapsed.get());
        boolean aliveBefore = wasAlive;
        wasAlive = true;
        if (liveness.lapsed() && redis.sharded()) {
            // On a Redis Cluster the notice cannot travel in order with the relayed messages (they go on sharded
            // channels, in other slots). Routing there never consults liveness, only each connection's entry, so
            // what a lapse can have cost is rooms reaped and entries expired: resume every connection now,
            // before this refresh rewrites the entries and the next tick rejoins the rooms.
            lapseUnnoticed.set(false);
            unnoticedLapseHandler.run();
        } else if (liveness.lapsed() && liveness.noticeReceivers() == 0) {
            lapseUnnoticed.set(true); // not subscribed: the next subscription acts on it instead
            if (subscriptions.get() != subscriptionsBefore && lapseUnnoticed.getAndSet(false)) {
                unnoticedLapseHandler.run(); // it subscribed after the notice and may have asked already
            }
        }
        switch (liveness.state()) {
            case ALIVE -> { }
            case MISSING -> {
                rejoined.set(true);
                if (aliveBefore) {
                    LOG.warning("This node was missing from the cluster (Redis lost its data, or another node reaped it"
                            + " as dead); it rejoins");
                }
            }
            case EXPIRED -> LOG.warning(() -> "This node's liveness had expired (alive until " + liveness.aliveUntil()
                    + ", Redis time " + liveness.redisNow() + "): other nodes stopped relaying to it meanwhile");
        }
        if (full) {
            rewriteEntries(commands, now);
            lastFullRefresh = now;
        }
        Set<String> liveNodes = new HashSet<>(live.get());
        Map<String, Integer> byNode = new HashMap<>();
        counts.get().forEach((node, count) -> {
            if (liveNodes.contains(node)) {
                byNode.put(node, Integer.parseInt(count));
            }
        });
        connectionsByNode = Map.copyOf(byNode);
    }

    /** Rewrites every local entry, in pipelines of bounded size so Redis and this heap never see one huge batch. */
    private void rewriteEntries(UnifiedJedis commands, long now) {
        String value = PresenceEntry.encode(member.id(), now + entryTtlMillis());
        Iterator<Connection> connections = registry.all().iterator();
        while (connections.hasNext()) {
            try (AbstractPipeline pipeline = redis.pipelined(commands)) {
                for (int i = 0; i < REFRESH_BATCH && connections.hasNext(); i++) {
                    Connection connection = connections.next();
                    String key = RedisKeys.presence(connection.user());
                    pipeline.hset(key, connection.id(), value);
                    pipeline.pexpire(key, entryTtlMillis());
                }
                pipeline.sync();
            }
        }
    }
}
