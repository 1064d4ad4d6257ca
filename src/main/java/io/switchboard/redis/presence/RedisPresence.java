package io.switchboard.redis.presence;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.relay.RelayState;
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
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Cluster-wide presence in Redis. Per user a hash {@code sb:presence:<user>} of connection id →
 * {@code member|expiresAt}; per member (node run, see {@link ClusterMember}) a score in {@code sb:nodes}
 * (alive until) and its connection count. Every connection entry is rewritten each heartbeat interval,
 * every member score each tick, so entries of a crashed node stop counting within
 * {@link NodeLiveness#ttlMillis()} and disappear with their keys.
 *
 * <p>Threads: all writes run on one "presence writer" thread (started by the node's lifecycle,
 * {@code redis.RedisNode}) fed by a bounded queue, so opens and closes apply in order and never block a
 * WebSocket or timer thread. Reads ({@link #lookup}) run on the caller's thread with one pipelined round trip.
 */
@ApplicationScoped
public class RedisPresence {
    private static final Logger LOG = Logger.getLogger(RedisPresence.class.getName());
    /** Period of this node's liveness write (the node tick; Payara's minimum EJB timer period). */
    public static final long TICK_MILLIS = 1000;
    private static final int QUEUE_LIMIT = 100_000;
    private static final int REFRESH_BATCH = 1000;
    private static final Runnable STOP = () -> { };

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

    @Inject
    NodeLiveness liveness;

    private final BlockingQueue<Runnable> writes = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    private volatile Map<String, Integer> connectionsByNode = Map.of();
    private volatile long lastFullRefresh;
    /** How long a connection's entry (and its user's hash, unless rewritten) lives without a refresh. */
    public long entryTtlMillis() {
        return 2 * config.heartbeat().interval().toMillis() + config.heartbeat().timeout().toMillis();
    }

    void opened(Connection connection) {
        enqueue(() -> write(connection));
    }

    /** The entry a connection of this member gets when written now (here, or by {@code redis.store.RedisInbox#open}'s script). */
    public String entryNow() {
        return PresenceEntry.encode(member.id(), System.currentTimeMillis() + entryTtlMillis());
    }

    public void closed(Connection connection) {
        enqueue(() -> redis.presenceCommands().hdel(RedisKeys.presence(connection.user()), connection.id()));
    }

    /** Called each heartbeat tick (timer thread): queue the node's liveness write and, each interval, a full refresh. */
    public void tick() {
        enqueue(this::refresh);
    }

    /** Called when the relay comes back: everything local is rewritten at the next write. */
    public void resynchronise() {
        lastFullRefresh = 0;
        tick();
    }

    /** Other live nodes' connection counts as of their last tick (for broadcast acks). */
    public int remoteConnections() {
        return connectionsByNode.entrySet().stream()
                .filter(e -> !e.getKey().equals(member.id()))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * Connection counts per live member (node run) for each user, in one round trip. Throws {@link JedisException}
     * when Redis cannot answer.
     */
    public Map<String, Map<String, Integer>> lookup(List<String> users) {
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
    public Lookup queueLookup(AbstractPipeline pipeline, Collection<String> users) {
        long now = System.currentTimeMillis();
        Map<String, Response<Map<String, String>>> hashes = new LinkedHashMap<>();
        Response<List<String>> live = pipeline.zrangeByScore(RedisKeys.NODES, now, Double.POSITIVE_INFINITY);
        for (String user : users) {
            hashes.computeIfAbsent(user, u -> pipeline.hgetAll(RedisKeys.presence(u)));
        }
        return new Lookup(now, live, hashes);
    }

    /** The pending replies of a queued {@link #lookup}; read them after the pipeline's sync. */
    public record Lookup(long nowMillis, Response<List<String>> live, Map<String, Response<Map<String, String>>> hashes) {
        /** Connection counts per live member for each user looked up; throws {@link JedisException} for a failed read. */
        public Map<String, Map<String, Integer>> countsByNode() {
            Set<String> liveNodes = new HashSet<>(live.get());
            Map<String, Map<String, Integer>> result = new LinkedHashMap<>();
            hashes.forEach((user, hash) -> result.put(user, PresenceEntry.countsByNode(hash.get().values(), liveNodes, nowMillis)));
            return result;
        }
    }

    /** The writer loop; runs until {@link #stopWriter}. */
    public void runWriter() {
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

    public void stopWriter() {
        writes.clear();
        writes.offer(STOP);
    }

    /** On shutdown: this run stops counting at once, instead of after the liveness TTL. Best effort. */
    public void leave() {
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
        NodeLiveness.PendingWrite alive;
        try (AbstractPipeline pipeline = redis.pipelined(commands)) {
            // Dead members stay in NODES until RoomUpkeep's reaper removes them with their room memberships.
            alive = liveness.queueWrite(pipeline, now);
            pipeline.hset(RedisKeys.NODE_CONNECTIONS, member.id(), String.valueOf(registry.size()));
            counts = pipeline.hgetAll(RedisKeys.NODE_CONNECTIONS);
            live = pipeline.zrangeByScore(RedisKeys.NODES, now, Double.POSITIVE_INFINITY);
            pipeline.sync();
        }
        liveness.written(alive);
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
