package io.switchboard.redis.presence;

import io.switchboard.redis.client.RedisScript;

/**
 * The Lua scripts that keep room membership in Redis consistent: each runs atomically, so "first
 * connection of this user in the room" and "last one" are decided once for the whole gateway, however
 * many nodes change the room at the same moment. Key layout: see {@link io.switchboard.redis.client.RedisKeys}. Every script that
 * changes a room also keeps the member's per-room connection count ({@code nodes}), the member's room
 * set and the room index in step.
 */
final class RoomScripts {

    private RoomScripts() {
    }

    /**
     * Normalises a member's bookkeeping for one room; returns the room's user count and the member's
     * connection count in it. Lua text shared by the scripts below. On a Redis Cluster the scripts get only
     * the room's keys (one slot): the member's room set and the room index, in other slots, are then kept
     * by {@link RedisRooms} after the script, from the counts it returns.
     */
    private static final String TIDY = """
            local function tidy(on, users, nodes, memberRooms, index, member, room)
              local mine = redis.call('HLEN', on)
              if mine == 0 then
                redis.call('HDEL', nodes, member)
                if memberRooms then redis.call('SREM', memberRooms, room) end
              else
                redis.call('HSET', nodes, member, mine)
                if memberRooms then redis.call('SADD', memberRooms, room) end
              end
              local members = redis.call('HLEN', users)
              if index then
                if members == 0 then redis.call('ZREM', index, room) else redis.call('ZADD', index, 0, room) end
              end
              return members, mine
            end
            """;

    /**
     * KEYS: on, users, nodes, memberRooms, index (the last two not on a Redis Cluster). ARGV: connection, user,
     * member, room. Returns {status, members, member's connections}: status 2 = the user's first connection,
     * 1 = added, 0 = already there.
     */
    static final RedisScript JOIN = new RedisScript(TIDY + """
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
              return {0, redis.call('HLEN', KEYS[2]), redis.call('HLEN', KEYS[1])}
            end
            local count = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
            local members, mine = tidy(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[3], ARGV[4])
            if count == 1 then return {2, members, mine} end
            return {1, members, mine}
            """);

    /**
     * KEYS: on, users, nodes, memberRooms, index (the last two not on a Redis Cluster). ARGV: connection,
     * member, room. Returns {status, members, member's connections}: status 2 = the user's last connection,
     * 1 = removed, 0 = was not there.
     */
    static final RedisScript LEAVE = new RedisScript(TIDY + """
            local user = redis.call('HGET', KEYS[1], ARGV[1])
            if not user then return {0, redis.call('HLEN', KEYS[2]), redis.call('HLEN', KEYS[1])} end
            redis.call('HDEL', KEYS[1], ARGV[1])
            local count = redis.call('HINCRBY', KEYS[2], user, -1)
            if count <= 0 then redis.call('HDEL', KEYS[2], user) end
            local members, mine = tidy(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[2], ARGV[3])
            if count <= 0 then return {2, members, mine} end
            return {1, members, mine}
            """);

    /**
     * Makes a member's record of one room equal to the given connections. KEYS: on, users, nodes,
     * memberRooms, index (the last two not on a Redis Cluster). ARGV: member, room, then connection, user
     * pairs. Returns flat triples {event, user, members} for each user whose presence changed
     * ("join"/"leave"), then the room's user count and the member's connection count in it.
     */
    static final RedisScript RECONCILE = new RedisScript(TIDY + """
            local want = {}
            for i = 3, #ARGV, 2 do want[ARGV[i]] = ARGV[i + 1] end
            local events = {}
            local have = redis.call('HGETALL', KEYS[1])
            for i = 1, #have, 2 do
              local conn, user = have[i], have[i + 1]
              if want[conn] == user then
                want[conn] = nil
              else
                redis.call('HDEL', KEYS[1], conn)
                if redis.call('HINCRBY', KEYS[2], user, -1) <= 0 then
                  redis.call('HDEL', KEYS[2], user)
                  table.insert(events, 'leave'); table.insert(events, user)
                  table.insert(events, redis.call('HLEN', KEYS[2]))
                end
              end
            end
            for conn, user in pairs(want) do
              redis.call('HSET', KEYS[1], conn, user)
              if redis.call('HINCRBY', KEYS[2], user, 1) == 1 then
                table.insert(events, 'join'); table.insert(events, user)
                table.insert(events, redis.call('HLEN', KEYS[2]))
              end
            end
            local members, mine = tidy(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1], ARGV[2])
            table.insert(events, members); table.insert(events, mine)
            return events
            """);

    /**
     * Removes a dead member (node run) from the cluster and from every room it had connections in. Only
     * one caller gets the result: the script first checks the member is still expired (unless it is
     * leaving by itself) and removes it. KEYS: nodes, nodeConnections, memberRooms, index.
     * ARGV: member, nowMillis, self ("1" when the member removes itself), room key prefix.
     * Returns flat triples {room, user, members} for each user who left a room.
     */
    static final RedisScript REAP = new RedisScript("""
            if ARGV[3] ~= '1' then
              local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
              if score and tonumber(score) >= tonumber(ARGV[2]) then return {} end
            end
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            local events = {}
            for _, room in ipairs(redis.call('SMEMBERS', KEYS[3])) do
              local prefix = ARGV[4] .. room .. '}:'
              local on = prefix .. 'on:' .. ARGV[1]
              local users = prefix .. 'users'
              local entries = redis.call('HGETALL', on)
              for i = 1, #entries, 2 do
                local user = entries[i + 1]
                if redis.call('HINCRBY', users, user, -1) <= 0 then
                  redis.call('HDEL', users, user)
                  table.insert(events, room); table.insert(events, user)
                  table.insert(events, redis.call('HLEN', users))
                end
              end
              redis.call('DEL', on)
              redis.call('HDEL', prefix .. 'nodes', ARGV[1])
              if redis.call('HLEN', users) == 0 then redis.call('ZREM', KEYS[4], room) end
            end
            redis.call('DEL', KEYS[3])
            return events
            """);

    /**
     * On a Redis Cluster, {@link #REAP} for one room (its slot's keys only): removes a dead member's
     * connections from the room. KEYS: the member's on-hash, users, nodes. ARGV: member. Returns the room's
     * user count afterwards, then {user, members} for each user who left. Atomic per room, so each leave is
     * announced once however many nodes reap at the same moment.
     */
    static final RedisScript REAP_ROOM = new RedisScript("""
            local events = {}
            local entries = redis.call('HGETALL', KEYS[1])
            for i = 1, #entries, 2 do
              local user = entries[i + 1]
              if redis.call('HINCRBY', KEYS[2], user, -1) <= 0 then
                redis.call('HDEL', KEYS[2], user)
                table.insert(events, user); table.insert(events, redis.call('HLEN', KEYS[2]))
              end
            end
            redis.call('DEL', KEYS[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            table.insert(events, 1, redis.call('HLEN', KEYS[2]))
            return events
            """);

    /**
     * Publishes a relay payload to every member (node run) with connections in a room, except the caller.
     * KEYS: nodes. ARGV: member channel prefix, self, payload, member channel suffix (the room's slot's tag on
     * a Redis Cluster, else ""), publish command. Returns {connections reached, members missed}.
     */
    static final RedisScript PUBLISH = new RedisScript("""
            local reached, missed = 0, 0
            local nodes = redis.call('HGETALL', KEYS[1])
            for i = 1, #nodes, 2 do
              if nodes[i] ~= ARGV[2] then
                if redis.call(ARGV[5], ARGV[1] .. nodes[i] .. ARGV[4], ARGV[3]) > 0 then
                  reached = reached + tonumber(nodes[i + 1])
                else
                  missed = missed + 1
                end
              end
            end
            return {reached, missed}
            """);
}
