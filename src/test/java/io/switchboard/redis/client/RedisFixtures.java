package io.switchboard.redis.client;

import io.switchboard.config.SwitchboardConfig;

/** Builds the adapter's connection beans by hand for tests outside this package (what CDI injects in a node). */
public final class RedisFixtures {
    private RedisFixtures() {
    }

    /** A client for {@code config}'s Redis; it connects lazily, on its first command. */
    public static RedisClient client(SwitchboardConfig config) {
        RedisClient client = new RedisClient();
        client.config = config;
        return client;
    }

    /** This node's run identity, as its {@code @PostConstruct} makes it. */
    public static ClusterMember member(SwitchboardConfig config) {
        ClusterMember member = new ClusterMember();
        member.config = config;
        member.init();
        return member;
    }
}
