package io.switchboard.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link SwitchboardConfig}s for unit tests: the built-in defaults (declared once, in the settings records)
 * with a test node id and issuer, and the few values each test changes, given by their real keys.
 */
public final class TestConfig {
    private static final Map<String, String> BASE = Map.of("switchboard.node.id", "test-node",
            "mp.jwt.verify.issuer", "switchboard-test");

    private TestConfig() {
    }

    public static SwitchboardConfig defaults() {
        return SwitchboardConfig.of(BASE);
    }

    /** {@code config} with more values ({@code key, value, key, value...}); validated as a node would at start. */
    public static SwitchboardConfig with(SwitchboardConfig config, String... keysAndValues) {
        Map<String, String> values = new HashMap<>(config.givenValues());
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                values.remove(keysAndValues[i]);
            } else {
                values.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return SwitchboardConfig.of(values);
    }

    /** The defaults with more values ({@code key, value, ...}; a null value unsets the key). */
    public static SwitchboardConfig with(String... keysAndValues) {
        return with(defaults(), keysAndValues);
    }

    /** The given config with another room history size (which is also the page size of history reads). */
    public static SwitchboardConfig withRoomHistoryOf(SwitchboardConfig config, int maxEntries) {
        return with(config, "switchboard.rooms.history.max-entries", String.valueOf(maxEntries));
    }

    /** Defaults, with rooms open to every token that has no room claims. */
    public static SwitchboardConfig openRooms() {
        return with("switchboard.rooms.default-join", "open", "switchboard.rooms.default-publish", "open");
    }

    /** Open rooms with a different room limit, user list cap and presence-event cap. */
    public static SwitchboardConfig roomLimits(int maxPerConnection, int maxListedUsers, int presenceEventsMaxMembers) {
        return with(openRooms(), "switchboard.rooms.max-per-connection", String.valueOf(maxPerConnection),
                "switchboard.rooms.max-listed-users", String.valueOf(maxListedUsers),
                "switchboard.rooms.presence-events.max-members", String.valueOf(presenceEventsMaxMembers));
    }

    public static SwitchboardConfig withPublicKeyLocation(String location) {
        return with("mp.jwt.verify.publickey.location", location);
    }

    /** {@link #withPublicKeyLocation} whose user id is the first of {@code claims} (comma-separated) a token has. */
    public static SwitchboardConfig withUserClaims(String location, String claims) {
        return with(withPublicKeyLocation(location), "switchboard.jwt.user-claims", claims);
    }

    /** {@link #withPublicKeyLocation} that accepts only tokens for one of {@code audiences} (comma-separated). */
    public static SwitchboardConfig withAudiences(String location, String audiences) {
        return with(withPublicKeyLocation(location), "mp.jwt.verify.audiences", audiences);
    }

    /** {@code config} with the verification key inline ({@code mp.jwt.verify.publickey}). */
    public static SwitchboardConfig withInlineKey(SwitchboardConfig config, String key) {
        return with(config, "mp.jwt.verify.publickey", key);
    }

    /** {@link #cluster} whose {@code rediss://} server certificates must chain to the CAs in {@code caFile}. */
    public static SwitchboardConfig clusterWithRedisCa(String redisUrl, Path caFile) {
        return with(cluster(redisUrl, "node-tls", 5000, 1000), "switchboard.redis.tls.ca-file", caFile.toString());
    }

    /** Cluster mode against {@code redisUrl}, with the given node id and heartbeat. */
    public static SwitchboardConfig cluster(String redisUrl, String nodeId, long intervalMs, long timeoutMs) {
        return with("switchboard.redis.url", redisUrl, "switchboard.node.id", nodeId,
                "switchboard.heartbeat.interval-ms", String.valueOf(intervalMs),
                "switchboard.heartbeat.timeout-ms", String.valueOf(timeoutMs));
    }

    /** A cluster node's settings with the Redis script pipeline shaped as given. */
    public static SwitchboardConfig pipeline(String redisUrl, int lanes, int queue, int maxBatch) {
        return with(cluster(redisUrl, "node-a", 5000, 1000), "switchboard.redis.pipeline.lanes", String.valueOf(lanes),
                "switchboard.redis.pipeline.queue", String.valueOf(queue),
                "switchboard.redis.pipeline.max-batch", String.valueOf(maxBatch));
    }

    /** {@link #pipeline} that waits for {@code replicas} Redis replicas (at most {@code timeoutMs}) per batch. */
    public static SwitchboardConfig pipelineWaitingFor(String redisUrl, int replicas, int timeoutMs) {
        return with(pipeline(redisUrl, 1, 100, 16), "switchboard.redis.wait.replicas", String.valueOf(replicas),
                "switchboard.redis.wait.timeout-ms", String.valueOf(timeoutMs));
    }

    public static SwitchboardConfig withDevKeys(String dir) {
        return with("switchboard.dev.tokens.enabled", "true", "switchboard.dev.key-dir", dir);
    }

    /** Defaults with inboxes kept to {@code maxEntries} messages. */
    public static SwitchboardConfig inboxOf(int maxEntries) {
        return with("switchboard.inbox.max-entries", String.valueOf(maxEntries));
    }

    /** Defaults with an in-memory store of at most {@code maxBytes} and {@code maxEntries} per user. */
    public static SwitchboardConfig inboxOf(int maxEntries, long maxBytes) {
        return with(inboxOf(maxEntries), "switchboard.inbox.memory-max-bytes", String.valueOf(maxBytes));
    }

    /** Defaults with the given storage quota per client sender. */
    public static SwitchboardConfig storageQuota(long copiesPerSecond, long copiesBurst, long bytesPerSecond, long bytesBurst) {
        return with("switchboard.limits.stored-copies-per-second", String.valueOf(copiesPerSecond),
                "switchboard.limits.stored-copies-burst", String.valueOf(copiesBurst),
                "switchboard.limits.stored-bytes-per-second", String.valueOf(bytesPerSecond),
                "switchboard.limits.stored-bytes-burst", String.valueOf(bytesBurst));
    }
}
