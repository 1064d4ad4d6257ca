package io.switchboard.redis;

/** Names of Switchboard's Redis keys and channels, all under the {@code sb:} prefix. */
final class RedisKeys {
    /** Sorted set: node id → epoch ms until which the node counts as alive. */
    static final String NODES = "sb:nodes";
    /** Hash: node id → its open connection count as of its last heartbeat. */
    static final String NODE_CONNECTIONS = "sb:node-connections";
    /** Channel every node subscribes to for broadcasts. */
    static final String BROADCAST_CHANNEL = "sb:broadcast";

    private RedisKeys() {
    }

    /** Hash: connection id → "node|expiresAtMillis", one per user. */
    static String presence(String user) {
        return "sb:presence:" + user;
    }

    /** The channel a node receives direct messages for its connections on. */
    static String nodeChannel(String nodeId) {
        return "sb:node:" + nodeId;
    }
}
