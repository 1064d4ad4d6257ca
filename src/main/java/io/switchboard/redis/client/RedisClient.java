package io.switchboard.redis.client;

import io.switchboard.config.HostPort;
import io.switchboard.config.RedisMode;
import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterCommandObjects;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The connections to Redis: a pool for commands (thread-safe, shared by every thread), the presence
 * writer's own, and on request a dedicated connection for the subscriber. Either one server
 * ({@code switchboard.redis.url}: {@code rediss://} uses TLS; user, password and database from the URL) or
 * the master a Sentinel set names ({@code switchboard.redis.sentinel.*}), which Jedis' own
 * {@link JedisSentineled} follows across failovers: it listens to every sentinel for {@code +switch-master}
 * and moves its pool to the new master; or a Redis Cluster ({@code switchboard.redis.cluster.nodes}), whose
 * slots Jedis' {@link JedisCluster} follows (redirections, failovers), with a pool per master.
 */
@ApplicationScoped
public class RedisClient {

    @Inject
    SwitchboardConfig config;

    /** Tries of a Redis Cluster command across redirections and reconnections before it fails. */
    private static final int CLUSTER_MAX_ATTEMPTS = 5;

    /** Builders of pipelined commands Jedis' pipelines have no method for (publishing); stateless. */
    private static final CommandObjects COMMANDS = new CommandObjects();
    private static final ClusterCommandObjects CLUSTER_COMMANDS = new ClusterCommandObjects();
    /** Each Redis Cluster pool's slot map and connections (empty unless {@link #sharded}). */
    private final Map<UnifiedJedis, ClusterConnectionProvider> clusterTopologies = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile UnifiedJedis pool;
    private volatile UnifiedJedis presencePool;

    /** The command pool shared by every request thread. */
    public UnifiedJedis commands() {
        UnifiedJedis current = pool;
        if (current == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = newPool(config.redis().poolMaxTotal(), "switchboard:" + config.nodeId());
                }
                current = pool;
            }
        }
        return current;
    }

    /**
     * The presence writer's own connection (a pool of one, which reconnects by itself): the node's liveness
     * must never wait behind request threads for a pooled connection. When a connect storm held the shared
     * pool, each queued presence write waited the Redis timeout for one, the liveness write behind them
     * came too late, other nodes presumed this one dead, and it closed every client with 1012.
     */
    public UnifiedJedis presenceCommands() {
        UnifiedJedis current = presencePool;
        if (current == null) {
            synchronized (this) {
                if (presencePool == null) {
                    presencePool = newPool(1, "switchboard:" + config.nodeId() + ":presence");
                }
                current = presencePool;
            }
        }
        return current;
    }

    /**
     * A pipeline on one connection of the command pool: what is queued in it is sent together, in order, and
     * {@link #awaitReplicas} after writes in it waits for exactly those writes.
     */
    public AbstractPipeline pipelined() {
        return pipelined(commands());
    }

    /**
     * A pipeline on {@code pool} ({@link #commands} or {@link #presenceCommands}): one connection, or on a
     * Redis Cluster one per master its commands reach ({@link SlotRoutedPipeline}).
     */
    public AbstractPipeline pipelined(UnifiedJedis pool) {
        ClusterConnectionProvider topology = clusterTopologies.get(pool);
        return topology != null ? new SlotRoutedPipeline(topology) : pool.pipelined();
    }

    /** Publishes on a member or broadcast channel (sharded pub/sub on a Redis Cluster); returns its receivers. */
    public long publish(String channel, String message) {
        return sharded() ? ((JedisCluster) commands()).spublish(channel, message) : commands().publish(channel, message);
    }

    /**
     * Queues a publish on a member or broadcast channel in {@code pipeline} (sharded pub/sub on a Redis
     * Cluster, routed to the master of the channel's slot); the response is its receivers.
     */
    public Response<Long> publish(AbstractPipeline pipeline, String channel, String message) {
        return pipeline.executeCommand(sharded()
                ? CLUSTER_COMMANDS.spublish(channel, message) : COMMANDS.publish(channel, message));
    }

    /**
     * After a failed command: a {@code MOVED} reply means a slot changed master (a migration, a failover) and
     * Jedis' slot map is stale. Its own commands re-read it by themselves; pipelines do not, so this re-reads
     * it for them. Any thread.
     */
    public void noticeFailure(Throwable failure) {
        if (failure instanceof JedisMovedDataException) {
            clusterTopologies.values().forEach(ClusterConnectionProvider::renewSlotCache);
        }
    }

    /** Whether this node uses a Redis Cluster (keys and relay sharded by hash slot). */
    public boolean sharded() {
        return config.redis().mode() == RedisMode.CLUSTER;
    }

    /** The slot of a key on a Redis Cluster; {@link RedisSlots#UNSHARDED} otherwise. */
    public int slotOf(String key) {
        return sharded() ? RedisSlots.of(key) : RedisSlots.UNSHARDED;
    }

    /**
     * The masters of the Redis Cluster and the slots each serves, asked of any reachable node
     * ({@code CLUSTER SLOTS}). Throws what Jedis throws when none answers.
     */
    public Map<HostAndPort, List<Integer>> clusterMasters() {
        RuntimeException failure = null;
        for (HostPort node : config.redis().clusterNodes()) {
            try (Jedis jedis = new Jedis(new HostAndPort(node.host(), node.port()), clientConfig(config.redis().timeoutMs(),
                    "switchboard:" + config.nodeId() + ":topology"))) {
                Map<HostAndPort, List<Integer>> masters = new LinkedHashMap<>();
                for (Object range : jedis.clusterSlots()) {
                    List<?> fields = (List<?>) range;
                    List<?> master = (List<?>) fields.get(2);
                    HostAndPort address = new HostAndPort(text(master.get(0)), ((Number) master.get(1)).intValue());
                    List<Integer> slots = masters.computeIfAbsent(address, a -> new ArrayList<>());
                    for (long slot = ((Number) fields.get(0)).longValue(); slot <= ((Number) fields.get(1)).longValue(); slot++) {
                        slots.add((int) slot);
                    }
                }
                return masters;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw failure != null ? failure : new IllegalStateException("switchboard.redis.cluster.nodes is empty");
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** A new connection to one master of the Redis Cluster for a sharded subscription; no read timeout. */
    public Jedis shardSubscriberConnection(HostAndPort master) {
        return new Jedis(master, clientConfig(0, "switchboard:" + config.nodeId() + ":subscriber"));
    }

    /**
     * With {@code switchboard.redis.wait.replicas} above 0, queues a {@code WAIT} for the writes queued before
     * it in {@code pipeline}; {@link #checkReplicas} then reads its reply. Null when not waiting.
     */
    public Response<Long> awaitReplicas(AbstractPipeline pipeline) {
        int replicas = config.redis().waitReplicas();
        // never set with a Redis Cluster (refused by the configuration): its pipelines span shards
        return replicas == 0 ? null : ((Pipeline) pipeline).waitReplicas(replicas, config.redis().waitTimeoutMs());
    }

    /** Throws {@link NotReplicatedException} when a {@code WAIT} queued by {@link #awaitReplicas} fell short. */
    public void checkReplicas(Response<Long> confirmed) {
        if (confirmed != null && confirmed.get() < config.redis().waitReplicas()) {
            throw new NotReplicatedException(confirmed.get(), config.redis().waitReplicas(), config.redis().waitTimeoutMs());
        }
    }

    /**
     * Runs {@code script} on one pooled connection followed, when configured, by a {@code WAIT} for its writes
     * (see {@link #awaitReplicas}); throws {@link NotReplicatedException} when the replicas fell short.
     */
    public Object runReplicated(RedisScript script, List<String> keys, List<String> args) {
        if (config.redis().waitReplicas() == 0) {
            return script.run(commands(), keys, args); // nothing to wait for: one command (JedisCluster follows MOVED)
        }
        try (AbstractPipeline pipeline = pipelined()) {
            Response<Object> reply = pipeline.evalsha(script.sha1(), keys, args);
            Response<Long> replicated = awaitReplicas(pipeline);
            pipeline.sync();
            Object result;
            try {
                result = reply.get();
            } catch (JedisNoScriptException e) {
                reply = pipeline.eval(script.text(), keys, args);
                replicated = awaitReplicas(pipeline);
                pipeline.sync();
                result = reply.get();
            }
            checkReplicas(replicated);
            return result;
        }
    }

    private UnifiedJedis newPool(int size, String name) {
        ConnectionPoolConfig limits = new ConnectionPoolConfig();
        limits.setMaxTotal(size);
        limits.setMaxIdle(size);
        // Never wait forever for a connection: a slow Redis must not pin every sender thread.
        limits.setMaxWait(Duration.ofMillis(config.redis().timeoutMs()));
        JedisClientConfig client = clientConfig(config.redis().timeoutMs(), name);
        if (config.redis().mode() == RedisMode.SENTINEL) {
            return new JedisSentineled(config.redis().sentinelMaster().orElseThrow(), client, limits, sentinels(),
                    sentinelConfig());
        }
        if (config.redis().mode() == RedisMode.CLUSTER) {
            Set<HostAndPort> seeds = new LinkedHashSet<>();
            config.redis().clusterNodes().forEach(node -> seeds.add(new HostAndPort(node.host(), node.port())));
            // Jedis follows MOVED/ASK redirections and refreshes its slot map, within these attempts (pipelines
            // do not: see noticeFailure)
            ClusterConnectionProvider topology = new ClusterConnectionProvider(seeds, client, limits);
            JedisCluster cluster = new JedisCluster(topology, CLUSTER_MAX_ATTEMPTS,
                    Duration.ofMillis((long) CLUSTER_MAX_ATTEMPTS * config.redis().timeoutMs()));
            clusterTopologies.put(cluster, topology);
            return cluster;
        }
        return new JedisPooled(limits, JedisURIHelper.getHostAndPort(url()), client);
    }

    /**
     * Drops the pool's idle connections: after Redis restarted they are all broken, and the first command
     * on each would fail. Called when the subscriber has reconnected, before the relay counts as up. (A
     * Sentinel pool is replaced by Jedis itself when the master changes.)
     */
    public void discardIdleConnections() {
        for (UnifiedJedis current : new UnifiedJedis[] {pool, presencePool}) {
            if (current instanceof JedisPooled pooled) {
                pooled.getPool().clear();
            }
        }
    }

    /**
     * A new connection for the blocking subscribe loop, to the master (as the sentinels name it now); no read
     * timeout (it waits for messages; the watchdog pings it). Named {@code switchboard:<node>:subscriber} in
     * {@code CLIENT LIST}. Throws if the server it reached is not a master (a Sentinel failover not yet
     * noticed): the subscriber loop then tries again, and meanwhile the relay counts as down.
     */
    public Jedis subscriberConnection() {
        JedisClientConfig client = clientConfig(0, "switchboard:" + config.nodeId() + ":subscriber");
        if (config.redis().mode() != RedisMode.SENTINEL) {
            return new Jedis(JedisURIHelper.getHostAndPort(url()), client);
        }
        HostAndPort master = ((JedisSentineled) commands()).getCurrentMaster();
        Jedis connection = new Jedis(master, client);
        try {
            List<Object> role = connection.role();
            if (!"master".equals(String.valueOf(role.get(0)))) {
                throw new JedisConnectionException(master + " is no longer the master of "
                        + config.redis().sentinelMaster().orElseThrow() + " (a failover under way)");
            }
            return connection;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Credentials, database and TLS for the Redis servers: from the URL of a single server
     * ({@code redis[s]://[user:password@]host:port[/db]}), from {@code switchboard.redis.user}, {@code .password}
     * and {@code .tls} for a Sentinel set. With TLS, the server certificate is checked against
     * {@code switchboard.redis.tls.ca-file} when set (a private CA), else against the JVM's trusted CAs, and its
     * host name must match. {@code socketTimeoutMs} 0 = no read timeout. {@code name} is what {@code CLIENT LIST}
     * shows, so operators can tell the nodes' connections apart.
     */
    private JedisClientConfig clientConfig(int socketTimeoutMs, String name) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.redis().timeoutMs())
                .socketTimeoutMillis(socketTimeoutMs)
                .clientName(name);
        boolean tls;
        if (config.redis().mode() == RedisMode.SENTINEL || config.redis().mode() == RedisMode.CLUSTER) {
            tls = config.redis().tls();
            builder.user(config.redis().user().orElse(null)).password(config.redis().password().orElse(null));
        } else {
            URI uri = url();
            tls = JedisURIHelper.isRedisSSLScheme(uri);
            builder.user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                    .database(JedisURIHelper.getDBIndex(uri));
        }
        return withTls(builder, tls).build();
    }

    /** How the sentinels themselves are reached: their own credentials, TLS as the servers. */
    private JedisClientConfig sentinelConfig() {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.redis().timeoutMs())
                .socketTimeoutMillis(config.redis().timeoutMs())
                .clientName("switchboard:" + config.nodeId() + ":sentinel")
                .user(config.redis().sentinelUser().orElse(null))
                .password(config.redis().sentinelPassword().orElse(null));
        return withTls(builder, config.redis().tls()).build();
    }

    private DefaultJedisClientConfig.Builder withTls(DefaultJedisClientConfig.Builder builder, boolean tls) {
        builder.ssl(tls);
        if (tls) {
            config.redis().tlsCaFile().ifPresent(caFile -> builder.sslSocketFactory(PemTrust.socketFactory(caFile)));
            SSLParameters verifyHostName = new SSLParameters();
            verifyHostName.setEndpointIdentificationAlgorithm("HTTPS");
            builder.sslParameters(verifyHostName);
        }
        return builder;
    }

    private Set<HostAndPort> sentinels() {
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        for (HostPort sentinel : config.redis().sentinels()) {
            sentinels.add(new HostAndPort(sentinel.host(), sentinel.port()));
        }
        return sentinels;
    }

    private URI url() {
        return config.redis().url().orElseThrow(() -> new IllegalStateException("switchboard.redis.url is not set"));
    }

    @PreDestroy
    public void close() {
        if (pool != null) {
            pool.close();
        }
        if (presencePool != null) {
            presencePool.close();
        }
    }
}
