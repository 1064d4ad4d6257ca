package io.switchboard.config;

import java.util.Optional;

/** A {@link SwitchboardConfig} with the built-in defaults, adjustable field by field, for unit tests. */
public final class TestConfig {

    private TestConfig() {
    }

    public static SwitchboardConfig defaults() {
        SwitchboardConfig config = new SwitchboardConfig();
        config.configuredNodeId = Optional.of("test-node");
        config.heartbeatIntervalMs = 25_000;
        config.heartbeatTimeoutMs = 10_000;
        config.maxFrameBytes = 65_536;
        config.maxRecipients = 100;
        config.sendQueueMaxFrames = 1024;
        config.sendQueueMaxBytes = 8 * 1024 * 1024;
        config.sendTimeoutMs = 10_000;
        config.sendThreads = 32;
        config.broadcastGroup = "broadcast";
        config.backendGroup = "backend";
        config.apiKey = Optional.empty();
        config.maxBodyBytes = 65_536;
        config.devTokensEnabled = false;
        config.devKeyDir = Optional.empty();
        config.devTokenTtlSeconds = 3600;
        config.jwtPublicKey = Optional.empty();
        config.jwtPublicKeyLocation = Optional.empty();
        config.jwtIssuer = Optional.of("switchboard-test");
        config.jwtAudiences = Optional.empty();
        config.jwtClockSkewSeconds = 60;
        config.redisUrl = Optional.empty();
        config.redisSentinelMaster = Optional.empty();
        config.redisSentinelNodes = Optional.empty();
        config.redisSentinelUser = Optional.empty();
        config.redisSentinelPassword = Optional.empty();
        config.redisClusterNodes = Optional.empty();
        config.redisUser = Optional.empty();
        config.redisPassword = Optional.empty();
        config.redisTls = false;
        config.redisWaitReplicas = 0;
        config.redisWaitTimeoutMs = 1000;
        config.redisTimeoutMs = 2000;
        config.redisMaxBackoffMs = 5000;
        config.redisPoolMaxTotal = 32;
        config.redisPipelineLanes = 2;
        config.redisPipelineQueue = 4096;
        config.redisPipelineMaxBatch = 256;
        config.roomsMaxPerConnection = 100;
        config.roomsMaxListedUsers = 100;
        config.roomsPresenceEventsMaxMembers = 100;
        config.roomsPresenceCountsIntervalMs = 250;
        config.roomsJoinClaim = "rooms";
        config.roomsPublishClaim = "rooms_publish";
        config.roomsDefaultJoin = "closed";
        config.roomsDefaultPublish = "closed";
        config.inboxEnabled = true;
        config.inboxRecipients = "known";
        config.storedCopiesPerSecond = 200;
        config.storedCopiesBurst = 2000;
        config.storedBytesPerSecond = 1_048_576;
        config.storedBytesBurst = 8_388_608;
        config.storageQuotaClaim = "sb_storage_quota";
        config.ticketTtlMs = 30_000;
        config.jwtUserClaims = "upn,preferred_username,sub";
        config.inboxMaxEntries = 1000;
        config.inboxMaxAgeMs = 604_800_000L;
        config.idempotencyWindowMs = 86_400_000L;
        config.roomHistoryMaxEntries = 100;
        config.roomHistoryMaxAgeMs = 86_400_000L;
        config.shutdownDrainMs = 5000;
        config.shutdownGraceMs = 10_000;
        config.statsLogIntervalMs = 0;
        config.authExpiryGraceMs = 30_000;
        config.commandsPerSecond = 100;
        config.commandsBurst = 200;
        config.refusalsBeforeClose = 50;
        config.connectionsPerUser = 100;
        config.connectionsPerNode = 50000;
        config.handshakesPerSecondPerIp = 20;
        config.handshakesBurstPerIp = 50;
        config.trackedClients = 100_000;
        config.apiRequestsPerSecond = 500;
        config.apiBurst = 1000;
        config.clientIpHeader = Optional.empty();
        config.allowedOrigins = Optional.empty();
        config.apiKeySha256 = Optional.empty();
        config.redisTlsCaFile = Optional.empty();
        config.inboxMemoryMaxBytes = 64L * 1024 * 1024;
        config.deflateEnabled = false;
        config.deflateThresholdBytes = 512;
        config.deflateLevel = 1;
        config.validate();
        return config;
    }

    /** The given config with another room history size (which is also the page size of history reads). */
    public static SwitchboardConfig withRoomHistoryOf(SwitchboardConfig config, int maxEntries) {
        config.roomHistoryMaxEntries = maxEntries;
        config.validate();
        return config;
    }

    /** Defaults, with rooms open to every token that has no room claims. */
    public static SwitchboardConfig openRooms() {
        SwitchboardConfig config = defaults();
        config.roomsDefaultJoin = "open";
        config.roomsDefaultPublish = "open";
        return config;
    }

    /** Open rooms with a different room limit, user list cap and presence-event cap. */
    public static SwitchboardConfig roomLimits(int maxPerConnection, int maxListedUsers, int presenceEventsMaxMembers) {
        SwitchboardConfig config = openRooms();
        config.roomsMaxPerConnection = maxPerConnection;
        config.roomsMaxListedUsers = maxListedUsers;
        config.roomsPresenceEventsMaxMembers = presenceEventsMaxMembers;
        return config;
    }

    public static SwitchboardConfig withPublicKeyLocation(String location) {
        SwitchboardConfig config = defaults();
        config.jwtPublicKeyLocation = Optional.of(location);
        return config;
    }

    /** {@link #withPublicKeyLocation} that accepts only tokens for one of {@code audiences} (comma-separated). */
    /** {@link #withPublicKeyLocation} whose user id is the first of {@code claims} (comma-separated) a token has. */
    public static SwitchboardConfig withUserClaims(String location, String claims) {
        SwitchboardConfig config = withPublicKeyLocation(location);
        config.jwtUserClaims = claims;
        return config;
    }

    public static SwitchboardConfig withAudiences(String location, String audiences) {
        SwitchboardConfig config = withPublicKeyLocation(location);
        config.jwtAudiences = Optional.of(audiences);
        return config;
    }

    /** {@link #cluster} whose {@code rediss://} server certificates must chain to the CAs in {@code caFile}. */
    public static SwitchboardConfig clusterWithRedisCa(String redisUrl, java.nio.file.Path caFile) {
        SwitchboardConfig config = cluster(redisUrl, "node-tls", 5000, 1000);
        config.redisTlsCaFile = Optional.of(caFile.toString());
        return config;
    }

    /** Cluster mode against {@code redisUrl}, with the given node id and heartbeat. */
    public static SwitchboardConfig cluster(String redisUrl, String nodeId, long intervalMs, long timeoutMs) {
        SwitchboardConfig config = defaults();
        config.redisUrl = Optional.of(redisUrl);
        config.configuredNodeId = Optional.of(nodeId);
        config.heartbeatIntervalMs = intervalMs;
        config.heartbeatTimeoutMs = timeoutMs;
        config.validate();
        return config;
    }

    /** A cluster node's settings with the Redis script pipeline shaped as given. */
    public static SwitchboardConfig pipeline(String redisUrl, int lanes, int queue, int maxBatch) {
        SwitchboardConfig config = cluster(redisUrl, "node-a", 5000, 1000);
        config.redisPipelineLanes = lanes;
        config.redisPipelineQueue = queue;
        config.redisPipelineMaxBatch = maxBatch;
        config.validate();
        return config;
    }

    /** {@link #pipeline} that waits for {@code replicas} Redis replicas (at most {@code timeoutMs}) per batch. */
    public static SwitchboardConfig pipelineWaitingFor(String redisUrl, int replicas, int timeoutMs) {
        SwitchboardConfig config = pipeline(redisUrl, 1, 100, 16);
        config.redisWaitReplicas = replicas;
        config.redisWaitTimeoutMs = timeoutMs;
        config.validate();
        return config;
    }

    public static SwitchboardConfig withDevKeys(String dir) {
        SwitchboardConfig config = defaults();
        config.devTokensEnabled = true;
        config.devKeyDir = Optional.of(dir);
        return config;
    }

    /** Defaults with inboxes kept to {@code maxEntries} messages. */
    public static SwitchboardConfig inboxOf(int maxEntries) {
        SwitchboardConfig config = defaults();
        config.inboxMaxEntries = maxEntries;
        return config;
    }

    /** Defaults with an in-memory store of at most {@code maxBytes} and {@code maxEntries} per user. */
    public static SwitchboardConfig inboxOf(int maxEntries, long maxBytes) {
        SwitchboardConfig config = inboxOf(maxEntries);
        config.inboxMemoryMaxBytes = maxBytes;
        return config;
    }

    /** Defaults with the given storage quota per client sender. */
    public static SwitchboardConfig storageQuota(long copiesPerSecond, long copiesBurst, long bytesPerSecond, long bytesBurst) {
        SwitchboardConfig config = defaults();
        config.storedCopiesPerSecond = copiesPerSecond;
        config.storedCopiesBurst = copiesBurst;
        config.storedBytesPerSecond = bytesPerSecond;
        config.storedBytesBurst = bytesBurst;
        return config;
    }
}
