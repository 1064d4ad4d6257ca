package io.switchboard.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code switchboard.redis.*}: which Redis this node uses ({@link RedisMode}: none, one server by
 * {@code url}, a Sentinel set by {@code sentinel.master} and {@code sentinel.nodes}, or a Redis Cluster by
 * {@code cluster.nodes}; exactly one), the credentials and TLS of a Sentinel set's or Redis Cluster's servers (a
 * single server takes them from its URL) and of the sentinels themselves, the CA file for TLS, the command
 * timeout, the subscriber's reconnect backoff cap, the command pool's size, the stored-message pipeline's
 * lanes, queue and batch, and the replicas each stored message waits for ({@code WAIT}; 0 = acknowledge once
 * the master has it; not with a Redis Cluster).
 */
public record RedisSettings(RedisMode mode, Optional<URI> url, Optional<String> sentinelMaster, List<HostPort> sentinels,
        Optional<String> sentinelUser, Optional<String> sentinelPassword, List<HostPort> clusterNodes,
        Optional<String> user, Optional<String> password, boolean tls, Optional<Path> tlsCaFile, int timeoutMs,
        long maxBackoffMs, int poolMaxTotal, int pipelineLanes, int pipelineQueue, int pipelineMaxBatch,
        int waitReplicas, int waitTimeoutMs) {

    public RedisSettings {
        sentinels = List.copyOf(sentinels);
        clusterNodes = List.copyOf(clusterNodes);
    }

    /** Whether this node is part of a cluster through Redis (one server, a Sentinel set or a Redis Cluster). */
    public boolean enabled() {
        return mode != RedisMode.NONE;
    }

    static RedisSettings read(SettingsReader settings) {
        Optional<URI> url = settings.optional("switchboard.redis.url").map(URI::create);
        Optional<String> sentinelMaster = settings.optional("switchboard.redis.sentinel.master");
        List<HostPort> sentinels = hostPorts(settings, "switchboard.redis.sentinel.nodes");
        List<HostPort> clusterNodes = hostPorts(settings, "switchboard.redis.cluster.nodes");
        int waitReplicas = settings.between("switchboard.redis.wait.replicas", 0, 0, Integer.MAX_VALUE);
        return new RedisSettings(mode(url, sentinelMaster, sentinels, clusterNodes, waitReplicas), url, sentinelMaster,
                sentinels, settings.optional("switchboard.redis.sentinel.user"),
                settings.optional("switchboard.redis.sentinel.password"), clusterNodes,
                settings.optional("switchboard.redis.user"), settings.optional("switchboard.redis.password"),
                settings.flag("switchboard.redis.tls", false),
                settings.optional("switchboard.redis.tls.ca-file").map(Path::of),
                settings.positiveInt("switchboard.redis.timeout-ms", 2000),
                settings.positive("switchboard.redis.reconnect.max-backoff-ms", 5000),
                settings.positiveInt("switchboard.redis.pool.max-total", 32),
                settings.positiveInt("switchboard.redis.pipeline.lanes", 2),
                settings.positiveInt("switchboard.redis.pipeline.queue", 4096),
                settings.positiveInt("switchboard.redis.pipeline.max-batch", 256),
                waitReplicas, settings.positiveInt("switchboard.redis.wait.timeout-ms", 1000));
    }

    private static List<HostPort> hostPorts(SettingsReader settings, String key) {
        return settings.list(key, null).stream().map(entry -> HostPort.parse(key, entry)).toList();
    }

    /** Fails the start on a half-configured or doubly configured Redis. */
    private static RedisMode mode(Optional<URI> url, Optional<String> sentinelMaster, List<HostPort> sentinels,
            List<HostPort> clusterNodes, int waitReplicas) {
        boolean single = url.isPresent();
        boolean sentinel = sentinelMaster.isPresent() || !sentinels.isEmpty();
        boolean cluster = !clusterNodes.isEmpty();
        if ((single ? 1 : 0) + (sentinel ? 1 : 0) + (cluster ? 1 : 0) > 1) {
            throw new IllegalStateException("more than one of switchboard.redis.url, switchboard.redis.sentinel.* and "
                    + "switchboard.redis.cluster.nodes are set: configure one Redis, a single server, a Sentinel set "
                    + "or a Redis Cluster");
        }
        if (sentinel && (sentinelMaster.isEmpty() || sentinels.isEmpty())) {
            throw new IllegalStateException("a Sentinel set needs both switchboard.redis.sentinel.master (the master's "
                    + "name) and switchboard.redis.sentinel.nodes (host:port of each sentinel, comma-separated)");
        }
        if (cluster && waitReplicas > 0) {
            throw new IllegalStateException("switchboard.redis.wait.replicas is not supported with a Redis Cluster "
                    + "(switchboard.redis.cluster.nodes): each shard's replicas would need their own WAIT");
        }
        return single ? RedisMode.SINGLE : sentinel ? RedisMode.SENTINEL : cluster ? RedisMode.CLUSTER : RedisMode.NONE;
    }
}
