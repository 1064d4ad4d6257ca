package io.switchboard.redis.client;

import java.nio.charset.StandardCharsets;

/**
 * Names of Switchboard's Redis keys and channels, all under the {@code sb:} prefix. Every key made from a
 * name a client chooses is injective: a user name is written as {@link #user the user segment}
 * {@code {<UTF-8 length>:<name>}}, which says where the name ends whatever it contains, and a room name
 * (which cannot contain braces, see {@code RoomPolicy}) is closed by its brace; each family of keys has its
 * own prefix, and no prefix is the start of another family's key. So no name can reach another name's keys.
 */
public final class RedisKeys {
    /** Sorted set: member id (node run) → epoch ms until which it counts as alive. */
    public static final String NODES = "sb:nodes";
    /** Hash: member id → its open connection count as of its last heartbeat. */
    public static final String NODE_CONNECTIONS = "sb:node-connections";
    /** Channel every node subscribes to for broadcasts. */
    public static final String BROADCAST_CHANNEL = "sb:broadcast";
    /** Sorted set (all scores 0, ordered by name): every room with at least one member. */
    public static final String ROOMS = "sb:rooms";
    /** Prefix of a room's keys; room names cannot contain braces, so keys of two rooms never collide. */
    public static final String ROOM_PREFIX = "sb:room:{";
    /** Prefix of the channel of each member (node run). */
    public static final String MEMBER_CHANNEL_PREFIX = "sb:node:";

    /** String: the newest message id handed out, so ids only grow across all nodes. */
    public static final String LAST_ID = "sb:last-id";
    /** Prefix of each user's inbox stream. */
    public static final String INBOX_PREFIX = "sb:inbox:";
    /** Prefix of each user's inbox trimming marker (the newest id retention removed). */
    public static final String INBOX_TRIMMED_PREFIX = "sb:inbox-trimmed:";
    /** Prefix of each user's presence hash. */
    public static final String PRESENCE_PREFIX = "sb:presence:";
    /** Prefix of each user's newest delivered id. */
    public static final String SEEN_PREFIX = "sb:seen:";
    /** The stream field holding a stored message's frame. */
    public static final String FRAME_FIELD = "f";
    /** Room history field: the connection a room message was not sent to (its sender, echo off), if any. */
    public static final String EXCLUDED_FIELD = "x";

    private RedisKeys() {
    }

    /**
     * A user's name as a key segment: {@code {<length of its UTF-8 bytes>:<name>}}. The length makes it
     * injective (no user, whatever colons or braces its name holds, can reach another user's keys) and the
     * braces make it a Redis Cluster hash tag, so each user's keys share a slot. The scripts build the same
     * segment in Lua ({@code #name} is the byte length of what Jedis sent, UTF-8).
     */
    static String user(String user) {
        return "{" + user.getBytes(StandardCharsets.UTF_8).length + ":" + user + "}";
    }

    /** Stream: the user's stored direct messages, id = message id, field {@value #FRAME_FIELD} = frame. */
    public static String inbox(String user) {
        return INBOX_PREFIX + user(user);
    }

    /** String: the newest id retention removed from the user's inbox. */
    public static String inboxTrimmed(String user) {
        return INBOX_TRIMMED_PREFIX + user(user);
    }

    /** Stream: the room's stored messages (its history), same layout as an inbox. */
    public static String roomHistory(String room) {
        return ROOM_PREFIX + room + "}:history";
    }

    /** String: the newest id retention removed from the room's history. */
    public static String roomHistoryTrimmed(String room) {
        return roomHistory(room) + ":trimmed";
    }

    /** Hash: device → the last message id it acknowledged. */
    public static String cursors(String user) {
        return "sb:cursor:" + user(user);
    }

    /** String: the newest message id delivered to any connection of the user. */
    public static String seen(String user) {
        return SEEN_PREFIX + user(user);
    }

    /** String: the token a connect ticket (random, base64url) stands for, until redeemed or expired. */
    public static String ticket(String ticket) {
        return "sb:ticket:" + ticket;
    }

    /** Prefix of each user's "known" marker. */
    public static final String KNOWN_PREFIX = "sb:known:";

    /** String: present while the user connected within the inbox retention age (the recipient policy "known"). */
    public static String known(String user) {
        return KNOWN_PREFIX + user(user);
    }

    /** Hash: connection id → "member|expiresAtMillis", one per user. */
    public static String presence(String user) {
        return PRESENCE_PREFIX + user(user);
    }

    /**
     * The channel a node run receives relayed messages for its connections on (on a Redis Cluster: those
     * that are not stored, and notices; see {@link #memberChannel(String, int)}).
     */
    public static String memberChannel(String member) {
        return MEMBER_CHANNEL_PREFIX + member;
    }

    /**
     * On a Redis Cluster, the node run's channel in {@code slot}: a stored message is published, by the
     * script that stores it, on the channel in its stream's slot (a script may only reach its own slot),
     * so every member subscribes to one channel per slot. Unsharded: {@link #memberChannel(String)}.
     */
    public static String memberChannel(String member, int slot) {
        return MEMBER_CHANNEL_PREFIX + member + slotSuffix(slot);
    }

    /** What puts a name in {@code slot}: {@code ":{<tag>}"}, or nothing when unsharded. */
    public static String slotSuffix(int slot) {
        return slot == RedisSlots.UNSHARDED ? "" : ":{" + RedisSlots.tag(slot) + "}";
    }

    /** The newest id handed out in {@code slot} (on a Redis Cluster ids grow per slot, so per stream). */
    public static String lastId(int slot) {
        return LAST_ID + slotSuffix(slot);
    }

    /** Hash: user → how many connections the user has in the room, gateway-wide. */
    public static String roomUsers(String room) {
        return ROOM_PREFIX + room + "}:users";
    }

    /** Hash: member → how many connections the member (node run) has in the room. */
    public static String roomNodes(String room) {
        return ROOM_PREFIX + room + "}:nodes";
    }

    /** Hash: connection id → user, the room's connections on one member (node run). */
    public static String roomConnections(String room, String member) {
        return ROOM_PREFIX + room + "}:on:" + member;
    }

    /** Set: the rooms a member (node run) has connections in, so its rooms can be cleaned when it dies. */
    public static String memberRooms(String member) {
        return "sb:member-rooms:" + member;
    }
}
