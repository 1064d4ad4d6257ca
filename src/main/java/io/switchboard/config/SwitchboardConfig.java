package io.switchboard.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every Switchboard setting, read once from MicroProfile Config at start-up and validated. The
 * README's configuration table documents each key; environment variables work as MicroProfile Config
 * maps them (e.g. {@code SWITCHBOARD_HEARTBEAT_INTERVAL_MS}).
 */
@ApplicationScoped
public class SwitchboardConfig {

    @Inject
    @ConfigProperty(name = "switchboard.node.id")
    Optional<String> configuredNodeId;

    @Inject
    @ConfigProperty(name = "switchboard.heartbeat.interval-ms", defaultValue = "25000")
    long heartbeatIntervalMs;

    @Inject
    @ConfigProperty(name = "switchboard.heartbeat.timeout-ms", defaultValue = "10000")
    long heartbeatTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.frame.max-bytes", defaultValue = "65536")
    int maxFrameBytes;

    @Inject
    @ConfigProperty(name = "switchboard.message.max-recipients", defaultValue = "100")
    int maxRecipients;

    @Inject
    @ConfigProperty(name = "switchboard.send-queue.max-frames", defaultValue = "1024")
    int sendQueueMaxFrames;

    @Inject
    @ConfigProperty(name = "switchboard.send-queue.max-bytes", defaultValue = "8388608")
    long sendQueueMaxBytes;

    @Inject
    @ConfigProperty(name = "switchboard.send.timeout-ms", defaultValue = "10000")
    long sendTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.send.threads", defaultValue = "32")
    int sendThreads;

    @Inject
    @ConfigProperty(name = "switchboard.broadcast.group", defaultValue = "broadcast")
    String broadcastGroup;

    @Inject
    @ConfigProperty(name = "switchboard.api.backend-group", defaultValue = "backend")
    String backendGroup;

    @Inject
    @ConfigProperty(name = "switchboard.api.key")
    Optional<String> apiKey;

    @Inject
    @ConfigProperty(name = "switchboard.api.max-body-bytes", defaultValue = "65536")
    int maxBodyBytes;

    @Inject
    @ConfigProperty(name = "switchboard.dev.tokens.enabled", defaultValue = "false")
    boolean devTokensEnabled;

    @Inject
    @ConfigProperty(name = "switchboard.dev.key-dir")
    Optional<String> devKeyDir;

    @Inject
    @ConfigProperty(name = "switchboard.dev.token-ttl-seconds", defaultValue = "86400")
    long devTokenTtlSeconds;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> jwtPublicKey;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> jwtPublicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> jwtIssuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<String> jwtAudiences;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60")
    int jwtClockSkewSeconds;

    @Inject
    @ConfigProperty(name = "switchboard.jwt.user-claims", defaultValue = "upn,preferred_username,sub")
    String jwtUserClaims;

    @Inject
    @ConfigProperty(name = "switchboard.jwt.allow-http-key-location", defaultValue = "false")
    boolean jwtAllowHttpKeyLocation;

    @Inject
    @ConfigProperty(name = "switchboard.redis.url")
    Optional<String> redisUrl;

    @Inject
    @ConfigProperty(name = "switchboard.redis.sentinel.master")
    Optional<String> redisSentinelMaster;

    @Inject
    @ConfigProperty(name = "switchboard.redis.sentinel.nodes")
    Optional<String> redisSentinelNodes;

    @Inject
    @ConfigProperty(name = "switchboard.redis.sentinel.user")
    Optional<String> redisSentinelUser;

    @Inject
    @ConfigProperty(name = "switchboard.redis.sentinel.password")
    Optional<String> redisSentinelPassword;

    @Inject
    @ConfigProperty(name = "switchboard.redis.cluster.nodes")
    Optional<String> redisClusterNodes;

    @Inject
    @ConfigProperty(name = "switchboard.redis.user")
    Optional<String> redisUser;

    @Inject
    @ConfigProperty(name = "switchboard.redis.password")
    Optional<String> redisPassword;

    @Inject
    @ConfigProperty(name = "switchboard.redis.tls", defaultValue = "false")
    boolean redisTls;

    @Inject
    @ConfigProperty(name = "switchboard.redis.wait.replicas", defaultValue = "0")
    int redisWaitReplicas;

    @Inject
    @ConfigProperty(name = "switchboard.redis.wait.timeout-ms", defaultValue = "1000")
    int redisWaitTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.redis.timeout-ms", defaultValue = "2000")
    int redisTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.redis.reconnect.max-backoff-ms", defaultValue = "5000")
    long redisMaxBackoffMs;

    @Inject
    @ConfigProperty(name = "switchboard.redis.pool.max-total", defaultValue = "32")
    int redisPoolMaxTotal;

    @Inject
    @ConfigProperty(name = "switchboard.redis.pipeline.lanes", defaultValue = "2")
    int redisPipelineLanes;

    @Inject
    @ConfigProperty(name = "switchboard.redis.pipeline.queue", defaultValue = "4096")
    int redisPipelineQueue;

    @Inject
    @ConfigProperty(name = "switchboard.redis.pipeline.max-batch", defaultValue = "256")
    int redisPipelineMaxBatch;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.max-per-connection", defaultValue = "100")
    int roomsMaxPerConnection;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.max-listed-users", defaultValue = "100")
    int roomsMaxListedUsers;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.presence-events.max-members", defaultValue = "100")
    int roomsPresenceEventsMaxMembers;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.presence-counts.interval-ms", defaultValue = "250")
    long roomsPresenceCountsIntervalMs;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.join-claim", defaultValue = "rooms")
    String roomsJoinClaim;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.publish-claim", defaultValue = "rooms_publish")
    String roomsPublishClaim;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.default-join", defaultValue = "closed")
    String roomsDefaultJoin;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.default-publish", defaultValue = "closed")
    String roomsDefaultPublish;

    @Inject
    @ConfigProperty(name = "switchboard.inbox.enabled", defaultValue = "true")
    boolean inboxEnabled;

    @Inject
    @ConfigProperty(name = "switchboard.inbox.max-entries", defaultValue = "1000")
    int inboxMaxEntries;

    @Inject
    @ConfigProperty(name = "switchboard.inbox.recipients", defaultValue = "known")
    String inboxRecipients;

    @Inject
    @ConfigProperty(name = "switchboard.limits.stored-copies-per-second", defaultValue = "200")
    long storedCopiesPerSecond;

    @Inject
    @ConfigProperty(name = "switchboard.limits.stored-copies-burst", defaultValue = "2000")
    long storedCopiesBurst;

    @Inject
    @ConfigProperty(name = "switchboard.limits.stored-bytes-per-second", defaultValue = "1048576")
    long storedBytesPerSecond;

    @Inject
    @ConfigProperty(name = "switchboard.limits.stored-bytes-burst", defaultValue = "8388608")
    long storedBytesBurst;

    @Inject
    @ConfigProperty(name = "switchboard.limits.storage-quota-claim", defaultValue = "sb_storage_quota")
    String storageQuotaClaim;

    @Inject
    @ConfigProperty(name = "switchboard.tickets.ttl-ms", defaultValue = "30000")
    long ticketTtlMs;

    @Inject
    @ConfigProperty(name = "switchboard.inbox.memory-max-bytes", defaultValue = "67108864")
    long inboxMemoryMaxBytes;

    @Inject
    @ConfigProperty(name = "switchboard.inbox.max-age-ms", defaultValue = "604800000")
    long inboxMaxAgeMs;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.history.max-entries", defaultValue = "100")
    int roomHistoryMaxEntries;

    @Inject
    @ConfigProperty(name = "switchboard.rooms.history.max-age-ms", defaultValue = "86400000")
    long roomHistoryMaxAgeMs;

    @Inject
    @ConfigProperty(name = "switchboard.api.idempotency-window-ms", defaultValue = "86400000")
    long idempotencyWindowMs;

    @Inject
    @ConfigProperty(name = "switchboard.shutdown.drain-ms", defaultValue = "5000")
    long shutdownDrainMs;

    @Inject
    @ConfigProperty(name = "switchboard.shutdown.grace-ms", defaultValue = "10000")
    long shutdownGraceMs;

    @Inject
    @ConfigProperty(name = "switchboard.stats.log-interval-ms", defaultValue = "60000")
    long statsLogIntervalMs;

    @Inject
    @ConfigProperty(name = "switchboard.auth.expiry-grace-ms", defaultValue = "30000")
    long authExpiryGraceMs;

    @Inject
    @ConfigProperty(name = "switchboard.limits.commands-per-second", defaultValue = "100")
    long commandsPerSecond;

    @Inject
    @ConfigProperty(name = "switchboard.limits.commands-burst", defaultValue = "200")
    long commandsBurst;

    @Inject
    @ConfigProperty(name = "switchboard.limits.refusals-before-close", defaultValue = "50")
    long refusalsBeforeClose;

    @Inject
    @ConfigProperty(name = "switchboard.limits.connections-per-user", defaultValue = "100")
    long connectionsPerUser;

    @Inject
    @ConfigProperty(name = "switchboard.limits.connections-per-node", defaultValue = "50000")
    long connectionsPerNode;

    @Inject
    @ConfigProperty(name = "switchboard.limits.handshakes-per-second-per-ip", defaultValue = "20")
    long handshakesPerSecondPerIp;

    @Inject
    @ConfigProperty(name = "switchboard.limits.handshakes-burst-per-ip", defaultValue = "50")
    long handshakesBurstPerIp;

    @Inject
    @ConfigProperty(name = "switchboard.limits.tracked-clients", defaultValue = "100000")
    long trackedClients;

    @Inject
    @ConfigProperty(name = "switchboard.limits.api-requests-per-second", defaultValue = "500")
    long apiRequestsPerSecond;

    @Inject
    @ConfigProperty(name = "switchboard.limits.api-burst", defaultValue = "1000")
    long apiBurst;

    @Inject
    @ConfigProperty(name = "switchboard.limits.client-ip-header")
    Optional<String> clientIpHeader;

    @Inject
    @ConfigProperty(name = "switchboard.allowed-origins")
    Optional<String> allowedOrigins;

    @Inject
    @ConfigProperty(name = "switchboard.api.key-sha256")
    Optional<String> apiKeySha256;

    @Inject
    @ConfigProperty(name = "switchboard.redis.tls.ca-file")
    Optional<String> redisTlsCaFile;

    @Inject
    @ConfigProperty(name = "switchboard.deflate.enabled", defaultValue = "false")
    boolean deflateEnabled;

    @Inject
    @ConfigProperty(name = "switchboard.deflate.threshold-bytes", defaultValue = "512")
    int deflateThresholdBytes;

    @Inject
    @ConfigProperty(name = "switchboard.deflate.level", defaultValue = "1")
    int deflateLevel;

    private String nodeId;
    private volatile RedisMode redisMode;

    /**
     * Created (and validated) as the application starts, on the deploying thread, whose context class
     * loader sees the WAR's settings; created lazily instead, by whichever thread first asked, it read the
     * server's defaults when that was a thread of another module (the health endpoint polled during
     * deployment: {@code mp.jwt.verify.issuer} was then missing on one node in four, and its tokens were
     * refused by the others).
     */
    void created(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // being notified is what creates the instance, on this thread; then the warnings of a risky setup
        if (jwtAudiences().isEmpty() && !devTokensEnabled) {
            Logger.getLogger(SwitchboardConfig.class.getName()).warning("mp.jwt.verify.audiences is not set: tokens your "
                    + "identity provider issued for any other application are accepted here too. Set it to this "
                    + "gateway's audience.");
        }
    }

    @PostConstruct
    void validate() {
        positive("switchboard.heartbeat.interval-ms", heartbeatIntervalMs);
        positive("switchboard.heartbeat.timeout-ms", heartbeatTimeoutMs);
        positive("switchboard.frame.max-bytes", maxFrameBytes);
        positive("switchboard.message.max-recipients", maxRecipients);
        positive("switchboard.send-queue.max-frames", sendQueueMaxFrames);
        positive("switchboard.send-queue.max-bytes", sendQueueMaxBytes);
        positive("switchboard.send.timeout-ms", sendTimeoutMs);
        positive("switchboard.send.threads", sendThreads);
        positive("switchboard.api.max-body-bytes", maxBodyBytes);
        positive("switchboard.dev.token-ttl-seconds", devTokenTtlSeconds);
        positive("switchboard.redis.timeout-ms", redisTimeoutMs);
        redisMode = null;
        redisMode = readRedisMode(); // fails fast on a half-configured or doubly configured Redis; asked per message
        if (redisWaitReplicas < 0) {
            throw new IllegalStateException("switchboard.redis.wait.replicas must be >= 0 (0 = do not wait)");
        }
        positive("switchboard.redis.wait.timeout-ms", redisWaitTimeoutMs);
        positive("switchboard.redis.reconnect.max-backoff-ms", redisMaxBackoffMs);
        positive("switchboard.redis.pool.max-total", redisPoolMaxTotal);
        positive("switchboard.redis.pipeline.lanes", redisPipelineLanes);
        positive("switchboard.redis.pipeline.queue", redisPipelineQueue);
        positive("switchboard.redis.pipeline.max-batch", redisPipelineMaxBatch);
        positive("switchboard.rooms.max-per-connection", roomsMaxPerConnection);
        positive("switchboard.rooms.max-listed-users", roomsMaxListedUsers);
        positive("switchboard.inbox.max-entries", inboxMaxEntries);
        positive("switchboard.inbox.memory-max-bytes", inboxMemoryMaxBytes);
        positive("switchboard.inbox.max-age-ms", inboxMaxAgeMs);
        positive("switchboard.api.idempotency-window-ms", idempotencyWindowMs);
        positive("switchboard.rooms.history.max-entries", roomHistoryMaxEntries);
        positive("switchboard.limits.commands-per-second", commandsPerSecond);
        positive("switchboard.limits.commands-burst", commandsBurst);
        positive("switchboard.limits.refusals-before-close", refusalsBeforeClose);
        positive("switchboard.limits.connections-per-user", connectionsPerUser);
        positive("switchboard.limits.connections-per-node", connectionsPerNode);
        positive("switchboard.limits.handshakes-per-second-per-ip", handshakesPerSecondPerIp);
        positive("switchboard.limits.handshakes-burst-per-ip", handshakesBurstPerIp);
        positive("switchboard.limits.tracked-clients", trackedClients);
        positive("switchboard.limits.api-requests-per-second", apiRequestsPerSecond);
        positive("switchboard.limits.api-burst", apiBurst);
        positive("switchboard.limits.stored-copies-per-second", storedCopiesPerSecond);
        positive("switchboard.limits.stored-copies-burst", storedCopiesBurst);
        positive("switchboard.limits.stored-bytes-per-second", storedBytesPerSecond);
        positive("switchboard.limits.stored-bytes-burst", storedBytesBurst);
        inboxKnownRecipientsOnly(); // fails fast on an unknown policy
        positive("switchboard.tickets.ttl-ms", ticketTtlMs);
        positive("switchboard.deflate.threshold-bytes", deflateThresholdBytes);
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalStateException("switchboard.deflate.level must be 1..9, was " + deflateLevel);
        }
        apiKeyDigests(); // fails fast on a malformed digest
        if (authExpiryGraceMs < 0) {
            throw new IllegalStateException("switchboard.auth.expiry-grace-ms must be >= 0");
        }
        if (statsLogIntervalMs < 0) {
            throw new IllegalStateException("switchboard.stats.log-interval-ms must be >= 0 (0 = off)");
        }
        if (shutdownDrainMs < 0 || shutdownGraceMs < shutdownDrainMs) {
            throw new IllegalStateException("need 0 <= switchboard.shutdown.drain-ms <= switchboard.shutdown.grace-ms");
        }
        positive("switchboard.rooms.history.max-age-ms", roomHistoryMaxAgeMs);
        if (roomsPresenceCountsIntervalMs < 0) {
            throw new IllegalStateException("switchboard.rooms.presence-counts.interval-ms must be >= 0");
        }
        if (roomsPresenceEventsMaxMembers < 0) {
            throw new IllegalStateException("switchboard.rooms.presence-events.max-members must be >= 0");
        }
        openOrClosed("switchboard.rooms.default-join", roomsDefaultJoin);
        openOrClosed("switchboard.rooms.default-publish", roomsDefaultPublish);
        if (jwtClockSkewSeconds < 0) {
            throw new IllegalStateException("mp.jwt.verify.clock.skew must be >= 0");
        }
        if (jwtPublicKeyLocation.filter(location -> location.regionMatches(true, 0, "http:", 0, 5)).isPresent()
                && !jwtAllowHttpKeyLocation) {
            throw new IllegalStateException("mp.jwt.verify.publickey.location is a plain http: URL: anyone on the network "
                    + "path could swap the keys and sign tokens for any user. Use https:, or set "
                    + "switchboard.jwt.allow-http-key-location=true if the path is trusted");
        }
        if (jwtUserClaims().isEmpty()) {
            throw new IllegalStateException("switchboard.jwt.user-claims must name at least one claim");
        }
        if (jwtPublicKey.isPresent() && jwtPublicKeyLocation.isPresent()) {
            throw new IllegalStateException(
                    "Set mp.jwt.verify.publickey or mp.jwt.verify.publickey.location, not both");
        }
        nodeId = configuredNodeId.filter(s -> !s.isBlank())
                .orElseGet(() -> "node-" + UUID.randomUUID().toString().substring(0, 8));
        if (nodeId.contains("{") || nodeId.contains("}")) {
            // a brace in a Redis channel name would take the place of the hash tag that puts it in its slot
            throw new IllegalStateException("switchboard.node.id must not contain braces, was '" + nodeId + "'");
        }
    }

    private static boolean openOrClosed(String key, String value) {
        if (!value.equals("open") && !value.equals("closed")) {
            throw new IllegalStateException(key + " must be 'open' or 'closed', was '" + value + "'");
        }
        return value.equals("open");
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalStateException(key + " must be > 0, was " + value);
        }
    }

    /** This node's id: configured, or generated once per start. */
    public String nodeId() {
        return nodeId;
    }

    public Duration heartbeatInterval() {
        return Duration.ofMillis(heartbeatIntervalMs);
    }

    public Duration heartbeatTimeout() {
        return Duration.ofMillis(heartbeatTimeoutMs);
    }

    /** Largest accepted text frame, in bytes of UTF-8. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int maxRecipients() {
        return maxRecipients;
    }

    public int sendQueueMaxFrames() {
        return sendQueueMaxFrames;
    }

    public long sendQueueMaxBytes() {
        return sendQueueMaxBytes;
    }

    /** A single frame send taking longer than this cuts the connection as a slow consumer. */
    public Duration sendTimeout() {
        return Duration.ofMillis(sendTimeoutMs);
    }

    /** Threads that perform socket writes for all connections of this node. */
    public int sendThreads() {
        return sendThreads;
    }

    public String broadcastGroup() {
        return broadcastGroup;
    }

    public String backendGroup() {
        return backendGroup;
    }

    public Optional<String> apiKey() {
        return apiKey.filter(s -> !s.isBlank());
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public boolean devTokensEnabled() {
        return devTokensEnabled;
    }

    public Path devKeyDir() {
        return devKeyDir.filter(s -> !s.isBlank()).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".switchboard", "dev-keys"));
    }

    public Duration devTokenTtl() {
        return Duration.ofSeconds(devTokenTtlSeconds);
    }

    public Optional<String> jwtPublicKey() {
        return jwtPublicKey.filter(s -> !s.isBlank());
    }

    public Optional<String> jwtPublicKeyLocation() {
        return jwtPublicKeyLocation.filter(s -> !s.isBlank());
    }

    public Optional<String> jwtIssuer() {
        return jwtIssuer.filter(s -> !s.isBlank());
    }

    /** The claims naming the user, in order: the first one a token has is its user id. */
    public List<String> jwtUserClaims() {
        return Arrays.stream(jwtUserClaims.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
    }

    public Optional<String> jwtAudiences() {
        return jwtAudiences.filter(s -> !s.isBlank());
    }

    /** Redis URL ({@code redis://} or {@code rediss://}); empty = single node with the in-memory broker. */
    public Optional<URI> redisUrl() {
        return redisUrl.filter(s -> !s.isBlank()).map(URI::create);
    }

    /**
     * Which Redis this node uses: none (a single node, in memory), one server ({@code switchboard.redis.url}),
     * or a Sentinel-managed master ({@code switchboard.redis.sentinel.master} and {@code .nodes}). Throws when
     * more than one is configured, or a Sentinel set only half.
     */
    public RedisMode redisMode() {
        RedisMode validated = redisMode;
        return validated != null ? validated : readRedisMode();
    }

    private RedisMode readRedisMode() {
        boolean single = redisUrl().isPresent();
        boolean sentinel = present(redisSentinelMaster) || present(redisSentinelNodes);
        boolean cluster = present(redisClusterNodes);
        if ((single ? 1 : 0) + (sentinel ? 1 : 0) + (cluster ? 1 : 0) > 1) {
            throw new IllegalStateException("more than one of switchboard.redis.url, switchboard.redis.sentinel.* and "
                    + "switchboard.redis.cluster.nodes are set: configure one Redis, a single server, a Sentinel set "
                    + "or a Redis Cluster");
        }
        if (sentinel && (!present(redisSentinelMaster) || redisSentinels().isEmpty())) {
            throw new IllegalStateException("a Sentinel set needs both switchboard.redis.sentinel.master (the master's "
                    + "name) and switchboard.redis.sentinel.nodes (host:port of each sentinel, comma-separated)");
        }
        if (cluster && redisWaitReplicas > 0) {
            throw new IllegalStateException("switchboard.redis.wait.replicas is not supported with a Redis Cluster "
                    + "(switchboard.redis.cluster.nodes): each shard's replicas would need their own WAIT");
        }
        if (cluster) {
            redisClusterNodes(); // fails fast on a malformed entry
            return RedisMode.CLUSTER;
        }
        return single ? RedisMode.SINGLE : sentinel ? RedisMode.SENTINEL : RedisMode.NONE;
    }

    /** {@code host:port} of the Redis Cluster nodes to discover the cluster from (any of its nodes will do). */
    public List<HostPort> redisClusterNodes() {
        return hostPorts("switchboard.redis.cluster.nodes", redisClusterNodes);
    }

    /** Whether this node is part of a cluster through Redis (one server, a Sentinel set or a Redis Cluster). */
    public boolean redisEnabled() {
        return redisMode() != RedisMode.NONE;
    }

    /** The name the sentinels monitor the master under. */
    public Optional<String> redisSentinelMaster() {
        return redisSentinelMaster.filter(s -> !s.isBlank()).map(String::strip);
    }

    /** {@code host:port} of each sentinel; throws on an entry that is not one. */
    public List<HostPort> redisSentinels() {
        return hostPorts("switchboard.redis.sentinel.nodes", redisSentinelNodes);
    }

    private static List<HostPort> hostPorts(String key, Optional<String> value) {
        return value.stream().flatMap(nodes -> Arrays.stream(nodes.split(",")))
                .map(String::strip).filter(entry -> !entry.isEmpty())
                .map(entry -> HostPort.parse(key, entry)).toList();
    }

    /** ACL user for the sentinels themselves (empty: none). */
    public Optional<String> redisSentinelUser() {
        return redisSentinelUser.filter(s -> !s.isBlank());
    }

    /** Password for the sentinels themselves (empty: none). */
    public Optional<String> redisSentinelPassword() {
        return redisSentinelPassword.filter(s -> !s.isBlank());
    }

    /** ACL user for the Redis servers of a Sentinel set or Redis Cluster (a single server takes it from its URL). */
    public Optional<String> redisUser() {
        return redisUser.filter(s -> !s.isBlank());
    }

    /** Password for the Redis servers of a Sentinel set or Redis Cluster (a single server takes it from its URL). */
    public Optional<String> redisPassword() {
        return redisPassword.filter(s -> !s.isBlank());
    }

    /** Whether the servers (and sentinels) of a Sentinel set or Redis Cluster speak TLS (a single server: {@code rediss://}). */
    public boolean redisTls() {
        return redisTls;
    }

    /**
     * Replicas that must confirm each stored message ({@code WAIT}) before it is acknowledged; 0 = acknowledge
     * once the master has it.
     */
    public int redisWaitReplicas() {
        return redisWaitReplicas;
    }

    /** How long a stored message may wait for {@link #redisWaitReplicas} before it is refused as unconfirmed. */
    public int redisWaitTimeoutMs() {
        return redisWaitTimeoutMs;
    }

    private static boolean present(Optional<String> value) {
        return value.filter(s -> !s.isBlank()).isPresent();
    }

    public int redisTimeoutMs() {
        return redisTimeoutMs;
    }

    public long redisMaxBackoffMs() {
        return redisMaxBackoffMs;
    }

    /** Most pooled Redis command connections; a borrower waits at most the Redis timeout for one. */
    public int redisPoolMaxTotal() {
        return redisPoolMaxTotal;
    }

    /** Threads that send stored messages to Redis, each pipelining what its queue holds in one round trip. */
    public int redisPipelineLanes() {
        return redisPipelineLanes;
    }

    /** Calls each pipeline lane holds before refusing more with {@code overloaded}. */
    public int redisPipelineQueue() {
        return redisPipelineQueue;
    }

    /** Most calls sent in one pipelined round trip. */
    public int redisPipelineMaxBatch() {
        return redisPipelineMaxBatch;
    }

    public int jwtClockSkewSeconds() {
        return jwtClockSkewSeconds;
    }

    /** How many rooms one connection may be in at once. */
    public int roomsMaxPerConnection() {
        return roomsMaxPerConnection;
    }

    /** The longest user list a {@code joined} reply or room query returns (the count is always exact). */
    public int roomsMaxListedUsers() {
        return roomsMaxListedUsers;
    }

    /**
     * Rooms with more members than this do not announce joins and leaves: each announcement goes to every
     * member, so in a big room they would outweigh the messages. 0 turns presence events off.
     */
    public int roomsPresenceEventsMaxMembers() {
        return roomsPresenceEventsMaxMembers;
    }

    /** Bigger rooms get at most one member-count update per this many ms from each node; 0 = none. */
    public long roomsPresenceCountsIntervalMs() {
        return roomsPresenceCountsIntervalMs;
    }

    public String roomsJoinClaim() {
        return roomsJoinClaim;
    }

    public String roomsPublishClaim() {
        return roomsPublishClaim;
    }

    /** Whether a token without the join claim may join any room. */
    public boolean roomsOpenJoin() {
        return openOrClosed("switchboard.rooms.default-join", roomsDefaultJoin);
    }

    /** Whether a token without the publish claim may publish to any room. */
    public boolean roomsOpenPublish() {
        return openOrClosed("switchboard.rooms.default-publish", roomsDefaultPublish);
    }

    /** Whether direct messages are stored in each recipient's inbox before they are acknowledged. */
    public boolean inboxEnabled() {
        return inboxEnabled;
    }

    /**
     * The recipient policy for messages clients send: {@code known} (default) stores only for users that
     * connected to the gateway within the inbox retention age; {@code any} for any id. Backends may always
     * store for any id.
     */
    public boolean inboxKnownRecipientsOnly() {
        return switch (inboxRecipients) {
            case "known" -> true;
            case "any" -> false;
            default -> throw new IllegalStateException("switchboard.inbox.recipients must be 'known' or 'any', was '"
                    + inboxRecipients + "'");
        };
    }

    /** Copies of stored messages (one per recipient, one per room message) one client sender may store per second on this node. */
    public double storedCopiesPerSecond() {
        return storedCopiesPerSecond;
    }

    public int storedCopiesBurst() {
        return (int) Math.min(Integer.MAX_VALUE, storedCopiesBurst);
    }

    /** Bytes of stored messages (frame size × copies) one client sender may store per second on this node. */
    public double storedBytesPerSecond() {
        return storedBytesPerSecond;
    }

    public int storedBytesBurst() {
        return (int) Math.min(Integer.MAX_VALUE, storedBytesBurst);
    }

    /** How long a connect ticket ({@code POST /api/tickets}) may wait to be redeemed by a handshake. */
    public Duration ticketTtl() {
        return Duration.ofMillis(ticketTtlMs);
    }

    /** The token claim (a number >= 1) that multiplies a trusted sender's storage quota. */
    public String storageQuotaClaim() {
        return storageQuotaClaim;
    }

    /** Most messages kept per user (trimmed approximately in Redis, exactly on one node). */
    public int inboxMaxEntries() {
        return inboxMaxEntries;
    }

    /** Heap the in-memory store (one node without Redis) may give stored messages and room histories. */
    public long inboxMemoryMaxBytes() {
        return inboxMemoryMaxBytes;
    }

    /** How long a stored message is kept at most. */
    public Duration inboxMaxAge() {
        return Duration.ofMillis(inboxMaxAgeMs);
    }

    /** How long an {@code Idempotency-Key} of the HTTP API is remembered. */
    public Duration idempotencyWindow() {
        return Duration.ofMillis(idempotencyWindowMs);
    }

    /** Most messages kept per room for {@code history} and {@code join} with {@code since}. */
    public int roomHistoryMaxEntries() {
        return roomHistoryMaxEntries;
    }

    /** How long a room message is kept in its history at most. */
    public Duration roomHistoryMaxAge() {
        return Duration.ofMillis(roomHistoryMaxAgeMs);
    }

    /** Over how long a stopping node spreads telling its clients to reconnect (so they do not all come back at once). */
    public Duration shutdownDrain() {
        return Duration.ofMillis(shutdownDrainMs);
    }

    /** The longest a stopping node spends draining before it lets the container go on stopping. */
    public Duration shutdownGrace() {
        return Duration.ofMillis(shutdownGraceMs);
    }

    /** How often a node logs its counts at INFO; zero turns the line off. */
    public Duration statsLogInterval() {
        return Duration.ofMillis(statsLogIntervalMs);
    }

    /**
     * How long a connection may stay open on an expired token, after being told so, before it is closed
     * ({@link io.switchboard.protocol.CloseCodes#TOKEN_EXPIRED}); a client refreshes in-band meanwhile.
     */
    public Duration authExpiryGrace() {
        return Duration.ofMillis(authExpiryGraceMs);
    }

    /** Commands one connection may send per second on average ({@code 429 rate-limited} beyond). */
    public double commandsPerSecond() {
        return commandsPerSecond;
    }

    /** Commands one connection may send in a burst above the average rate. */
    public int commandsBurst() {
        return (int) commandsBurst;
    }

    /**
     * Rate-limited commands a connection may have refused in a burst (the allowance refills at a tenth of it
     * per second) before it is closed with 4003.
     */
    public int refusalsBeforeClose() {
        return (int) refusalsBeforeClose;
    }

    /** Connections one user may hold on this node; more handshakes get {@code 429 too-many-connections}. */
    public int connectionsPerUser() {
        return (int) connectionsPerUser;
    }

    /** Connections this node accepts in all; more handshakes get {@code 503 node-full}. */
    public int connectionsPerNode() {
        return (int) connectionsPerNode;
    }

    /** WebSocket handshakes per second one client address may make on this node. */
    public double handshakesPerSecondPerIp() {
        return handshakesPerSecondPerIp;
    }

    public int handshakesBurstPerIp() {
        return (int) handshakesBurstPerIp;
    }

    /**
     * Client addresses (and, separately, API credentials) whose rates one node tracks; past it the least
     * recently seen is forgotten. About 200 bytes each.
     */
    public int trackedClients() {
        return (int) Math.min(Integer.MAX_VALUE, trackedClients);
    }

    /** HTTP API requests per second one credential (API key or backend user) may make on this node. */
    public double apiRequestsPerSecond() {
        return apiRequestsPerSecond;
    }

    public int apiBurst() {
        return (int) apiBurst;
    }

    /**
     * The header holding the client address when a trusted proxy sets it (e.g. {@code X-Real-IP} behind
     * the shipped nginx); empty: the TCP peer address. Only set it when clients cannot reach the node directly.
     */
    public Optional<String> clientIpHeader() {
        return clientIpHeader.filter(s -> !s.isBlank()).map(String::strip);
    }

    /** Origins allowed to open WebSockets ({@code https://chat.example.com}); empty: any origin. */
    public Set<String> allowedOrigins() {
        return allowedOrigins.map(list -> Arrays.stream(list.split(","))
                .map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                .collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    /**
     * SHA-256 digests of the accepted API keys: those of {@code switchboard.api.key-sha256} (hex,
     * comma-separated) plus that of {@code switchboard.api.key} if set. Keys are only ever compared as digests.
     */
    public List<byte[]> apiKeyDigests() {
        List<byte[]> digests = new ArrayList<>();
        apiKeySha256.ifPresent(list -> {
            for (String hex : list.split(",")) {
                String digest = hex.strip().toLowerCase(Locale.ROOT);
                if (digest.isEmpty()) {
                    continue;
                }
                if (!digest.matches("[0-9a-f]{64}")) {
                    throw new IllegalStateException("switchboard.api.key-sha256 must list 64-digit hex SHA-256 digests");
                }
                digests.add(HexFormat.of().parseHex(digest));
            }
        });
        apiKey().ifPresent(key -> digests.add(sha256(key)));
        return digests;
    }

    /** SHA-256 of a key's UTF-8 bytes. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM file of the CA certificates a {@code rediss://} server certificate must chain to; empty: the JVM's. */
    public Optional<Path> redisTlsCaFile() {
        return redisTlsCaFile.filter(s -> !s.isBlank()).map(s -> Path.of(s.strip()));
    }

    /** Whether clients that offer permessage-deflate (RFC 7692) get it; off by default: it costs CPU per frame. */
    public boolean deflateEnabled() {
        return deflateEnabled;
    }

    /** Outgoing frames smaller than this go uncompressed: deflate rarely pays off on them. */
    public int deflateThresholdBytes() {
        return deflateThresholdBytes;
    }

    /** zlib level for outgoing frames, 1 (fastest) to 9 (smallest). */
    public int deflateLevel() {
        return deflateLevel;
    }
}
