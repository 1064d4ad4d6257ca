package io.switchboard.config;

/** How a node reaches Redis, from which of the {@code switchboard.redis.*} settings are given. */
public enum RedisMode {
    /** No Redis: a single node, everything in memory. */
    NONE,
    /** One Redis server, {@code switchboard.redis.url}. */
    SINGLE,
    /** The master a Sentinel set names, followed across failovers. */
    SENTINEL,
    /** A Redis Cluster ({@code switchboard.redis.cluster.nodes}): keys and live relay sharded by hash slot. */
    CLUSTER
}
