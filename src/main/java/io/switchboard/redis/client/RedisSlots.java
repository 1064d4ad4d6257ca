package io.switchboard.redis.client;

import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Redis Cluster hash slots: the slot a key or channel is in (Jedis' CRC16, hash tags honoured), and for
 * every slot a short hash tag that lands in it, so that a name can be made to share a slot with given keys
 * ({@code "sb:node:<member>:{" + tag(slot) + "}"} is in {@code slot}). Immutable, computed once.
 */
public final class RedisSlots {
    /** Slots in a Redis Cluster. */
    public static final int COUNT = 16384;
    /** Slot of everything on a single Redis (or a Sentinel-managed one): no sharding. */
    public static final int UNSHARDED = -1;
    private static final String[] TAGS = tags();

    private RedisSlots() {
    }

    /** The slot of a key or shard channel. */
    public static int of(String key) {
        return JedisClusterCRC16.getSlot(key);
    }

    /** A hash tag (without braces) whose slot is {@code slot}. */
    public static String tag(int slot) {
        return TAGS[slot];
    }

    /** The first base-36 number landing in each slot: about 160,000 CRC16s, once, in a few milliseconds. */
    private static String[] tags() {
        String[] tags = new String[COUNT];
        int found = 0;
        for (int i = 0; found < COUNT; i++) {
            String candidate = Integer.toString(i, 36);
            int slot = JedisClusterCRC16.getSlot(candidate);
            if (tags[slot] == null) {
                tags[slot] = candidate;
                found++;
            }
        }
        return tags;
    }

    /** The publish command for a slot's channel: {@code SPUBLISH} on a Redis Cluster (sharded channels), else {@code PUBLISH}. */
    public static String publishCommand(int slot) {
        return slot == UNSHARDED ? "PUBLISH" : "SPUBLISH";
    }
}
