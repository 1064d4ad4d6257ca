package io.switchboard.redis.presence;

import io.switchboard.protocol.PresenceEvent;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.client.RedisSlots;
import io.switchboard.routing.PresenceChange;
import io.switchboard.routing.RoomChange;
import io.switchboard.routing.RoomPage;
import io.switchboard.routing.RoomSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Gateway-wide room membership in Redis (see {@link RoomScripts} for the atomic changes and
 * {@link RedisKeys} for the layout). Per room: users → connection count, members (node runs) →
 * connection count, and per member its connections; per member the set of its rooms, so that when a
 * node dies a surviving node removes all of its memberships in one script and announces each user who
 * left. Every method runs on the caller's thread and throws {@code JedisException} when Redis cannot
 * answer; the {@link io.switchboard.redis.RedisBroker} decides what that means.
 */
@ApplicationScoped
public class RedisRooms {

    @Inject
    RedisClient redis;

    @Inject
    ClusterMember member;

    RoomChange join(String connection, String user, String room) {
        List<Object> result = list(RoomScripts.JOIN.run(redis.commands(), roomKeys(room),
                List.of(connection, user, member.id(), room)));
        indexAfterChange(room, number(result.get(2)), number(result.get(1)));
        return new RoomChange(number(result.get(0)) == 2, (int) number(result.get(1)));
    }

    RoomChange leave(String connection, String room) {
        List<Object> result = list(RoomScripts.LEAVE.run(redis.commands(), roomKeys(room),
                List.of(connection, member.id(), room)));
        indexAfterChange(room, number(result.get(2)), number(result.get(1)));
        return new RoomChange(number(result.get(0)) == 2, (int) number(result.get(1)));
    }

    /**
     * On a Redis Cluster, where the room scripts reach only the room's slot: this member's room set and the
     * room index follow the counts a script returned. A removal is checked again afterwards and undone if
     * the room filled meanwhile, so a concurrent add (which always comes after its count went up) is never
     * lost to it; at worst an emptied room stays listed until its next change.
     */
    private void indexAfterChange(String room, long mine, long members) {
        if (!redis.sharded()) {
            return; // the script kept both
        }
        UnifiedJedis commands = redis.commands();
        String rooms = RedisKeys.memberRooms(member.id());
        if (mine > 0) {
            commands.sadd(rooms, room);
        } else if (commands.srem(rooms, room) > 0 && commands.hlen(RedisKeys.roomConnections(room, member.id())) > 0) {
            commands.sadd(rooms, room);
        }
        if (members > 0) {
            commands.zadd(RedisKeys.ROOMS, 0, room);
        } else {
            unindexIfEmpty(commands, room);
        }
    }

    private static void unindexIfEmpty(UnifiedJedis commands, String room) {
        if (commands.zrem(RedisKeys.ROOMS, room) > 0 && commands.hlen(RedisKeys.roomUsers(room)) > 0) {
            commands.zadd(RedisKeys.ROOMS, 0, room);
        }
    }

    List<PresenceChange> reconcile(String room, Map<String, String> memberships) {
        List<String> args = new ArrayList<>(2 + 2 * memberships.size());
        args.add(member.id());
        args.add(room);
        memberships.forEach((connection, user) -> {
            args.add(connection);
            args.add(user);
        });
        List<Object> flat = list(RoomScripts.RECONCILE.run(redis.commands(), roomKeys(room), args));
        int counts = flat.size() - 2;
        indexAfterChange(room, number(flat.get(counts + 1)), number(flat.get(counts)));
        List<PresenceChange> changes = new ArrayList<>();
        for (int i = 0; i + 2 < counts; i += 3) {
            changes.add(new PresenceChange(room, PresenceEvent.fromWire((String) flat.get(i)), (String) flat.get(i + 1),
                    (int) number(flat.get(i + 2))));
        }
        return changes;
    }

    /**
     * Removes a member (node run) from the cluster and every room, if it is still expired at {@code nowMillis}
     * or {@code itself} is true; returns the users who thereby left rooms (empty if another node already did it).
     */
    List<PresenceChange> reap(String deadMember, long nowMillis, boolean itself) {
        if (redis.sharded()) {
            return reapRoomByRoom(deadMember, nowMillis, itself);
        }
        List<Object> flat = list(RoomScripts.REAP.run(redis.commands(),
                List.of(RedisKeys.NODES, RedisKeys.NODE_CONNECTIONS, RedisKeys.memberRooms(deadMember), RedisKeys.ROOMS),
                List.of(deadMember, String.valueOf(nowMillis), itself ? "1" : "0", RedisKeys.ROOM_PREFIX)));
        List<PresenceChange> changes = new ArrayList<>();
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            changes.add(new PresenceChange((String) flat.get(i), PresenceEvent.LEAVE, (String) flat.get(i + 1),
                    (int) number(flat.get(i + 2))));
        }
        return changes;
    }

    /**
     * {@link #reap} on a Redis Cluster: one {@link RoomScripts#REAP_ROOM} per room (each atomic in its slot,
     * so a leave is announced by one reaper only), then the member's room set and its liveness go. A reaper
     * that dies half-way leaves the member listed as expired, and the next one finishes.
     */
    private List<PresenceChange> reapRoomByRoom(String deadMember, long nowMillis, boolean itself) {
        UnifiedJedis commands = redis.commands();
        if (!itself) {
            Double aliveUntil = commands.zscore(RedisKeys.NODES, deadMember);
            if (aliveUntil != null && aliveUntil >= nowMillis) {
                return List.of(); // it came back
            }
        }
        List<PresenceChange> changes = new ArrayList<>();
        for (String room : commands.smembers(RedisKeys.memberRooms(deadMember))) {
            List<Object> flat = list(RoomScripts.REAP_ROOM.run(commands, List.of(RedisKeys.roomConnections(room, deadMember),
                    RedisKeys.roomUsers(room), RedisKeys.roomNodes(room)), List.of(deadMember)));
            for (int i = 1; i + 1 < flat.size(); i += 2) {
                changes.add(new PresenceChange(room, PresenceEvent.LEAVE, (String) flat.get(i), (int) number(flat.get(i + 1))));
            }
            if (number(flat.get(0)) == 0) {
                unindexIfEmpty(commands, room);
            }
        }
        commands.del(RedisKeys.memberRooms(deadMember));
        commands.zrem(RedisKeys.NODES, deadMember);
        commands.hdel(RedisKeys.NODE_CONNECTIONS, deadMember);
        return changes;
    }

    /** Members (node runs) whose liveness expired before {@code nowMillis} and that nobody has reaped yet. */
    List<String> expiredMembers(long nowMillis) {
        return redis.commands().zrangeByScore(RedisKeys.NODES, "-inf", "(" + nowMillis);
    }

    /** The rooms Redis says this member has connections in. */
    List<String> roomsOfThisMember() {
        return new ArrayList<>(redis.commands().smembers(RedisKeys.memberRooms(member.id())));
    }

    /** Sends a relay payload to every other member with connections in the room; {connections reached, members missed}. */
    public long[] publish(String room, String payload) {
        int slot = redis.slotOf(RedisKeys.roomNodes(room));
        List<Object> result = list(RoomScripts.PUBLISH.run(redis.commands(), List.of(RedisKeys.roomNodes(room)),
                List.of(RedisKeys.MEMBER_CHANNEL_PREFIX, member.id(), payload, RedisKeys.slotSuffix(slot),
                        RedisSlots.publishCommand(slot))));
        return new long[] {number(result.get(0)), number(result.get(1))};
    }

    boolean inRoom(String room, String user) {
        return redis.commands().hexists(RedisKeys.roomUsers(room), user);
    }

    /**
     * The exact user count, and users collected by HSCAN until {@code maxUsers} (never the whole hash at
     * once); with {@code maxUsers} 0, the count alone.
     */
    RoomSnapshot room(String room, int maxUsers) {
        UnifiedJedis commands = redis.commands();
        String key = RedisKeys.roomUsers(room);
        long members = commands.hlen(key);
        List<String> users = new ArrayList<>();
        if (maxUsers <= 0) {
            return new RoomSnapshot(room, (int) members, users); // HSCAN refuses COUNT 0 ("ERR syntax error")
        }
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().count(Math.min(maxUsers, 1000));
        do {
            ScanResult<Map.Entry<String, String>> page = commands.hscan(key, cursor, params);
            for (Map.Entry<String, String> entry : page.getResult()) {
                if (users.size() < maxUsers && !users.contains(entry.getKey())) {
                    users.add(entry.getKey());
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && users.size() < maxUsers);
        return new RoomSnapshot(room, (int) members, users);
    }

    RoomPage rooms(String after, int limit) {
        UnifiedJedis commands = redis.commands();
        List<String> names = commands.zrangeByLex(RedisKeys.ROOMS, after == null ? "-" : "(" + after, "+", 0, limit + 1);
        Map<String, Response<Long>> counts = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String name : names.subList(0, Math.min(limit, names.size()))) {
                counts.put(name, pipeline.hlen(RedisKeys.roomUsers(name)));
            }
            pipeline.sync();
        }
        List<RoomPage.Entry> entries = new ArrayList<>();
        counts.forEach((name, count) -> entries.add(new RoomPage.Entry(name, count.get().intValue())));
        return new RoomPage(entries, names.size() > limit ? names.get(limit - 1) : null);
    }

    /** The room scripts' keys: the room's own, and (not on a Redis Cluster) this member's room set and the index. */
    private List<String> roomKeys(String room) {
        if (redis.sharded()) {
            return List.of(RedisKeys.roomConnections(room, member.id()), RedisKeys.roomUsers(room), RedisKeys.roomNodes(room));
        }
        return List.of(RedisKeys.roomConnections(room, member.id()), RedisKeys.roomUsers(room),
                RedisKeys.roomNodes(room), RedisKeys.memberRooms(member.id()), RedisKeys.ROOMS);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object reply) {
        return (List<Object>) reply;
    }

    private static long number(Object reply) {
        return ((Number) reply).longValue();
    }
}
