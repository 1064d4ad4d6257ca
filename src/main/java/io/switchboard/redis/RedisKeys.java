package io.switchboard.redis;

/** Names of Switchboard's Redis keys and channels, all under the {@code sb:} prefix. */
final class RedisKeys {
    /** Sorted set: member id (node run) → epoch ms until which it counts as alive. */
    static final String NODES = "sb:nodes";
    /** Hash: member id → its open connection count as of its last heartbeat. */
    static final String NODE_CONNECTIONS = "sb:node-connections";
    /** Channel every node subscribes to for broadcasts. */
    static final String BROADCAST_CHANNEL = "sb:broadcast";

    private RedisKeys() {
    }

    /** Hash: connection id → "member|expiresAtMillis", one per user. */
    static String presence(String user) {
        return "sb:presence:" + user;
    }

    /** The channel a node run receives direct messages for its connections on. */
    static String memberChannel(String member) {
        return "sb:node:" + member;
    }
}
