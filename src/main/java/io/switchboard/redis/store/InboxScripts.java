package io.switchboard.redis.store;

import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.client.RedisScript;
import io.switchboard.redis.client.RedisSlots;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lua scripts of stored direct messages. {@link #STORE} does in one atomic step what must not be
 * split: take the next id, store the message in every recipient's inbox, and publish it to the nodes
 * holding the recipients. Because every store runs in Redis' single script order, each node's
 * subscriber receives a user's messages in id order, the order of the inbox; a connection replaying the
 * inbox can therefore drop live copies by id without ever skipping one.
 */
public final class InboxScripts {

    private InboxScripts() {
    }

    /**
     * Lua: the next message id after the one in {@code lastKey}, at Redis' clock, stored back; returns
     * the id and now in ms. Every stored message, direct or room, takes its id here, so ids only grow.
     */
    static final String NEXT_ID = """
            local function next_id(lastKey)
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              local ms, seq = now, 0
              local last = redis.call('GET', lastKey)
              if last then
                local lms, lseq = string.match(last, '^(%d+)-(%d+)$')
                lms, lseq = tonumber(lms), tonumber(lseq)
                if lms >= now then ms, seq = lms, lseq + 1 end
              end
              local id = string.format('%d-%d', ms, seq)
              redis.call('SET', lastKey, id)
              return id, now
            end
            """;

    /**
     * Lua: appends an entry (field {@code x}: the connection it was not sent to, if any) and applies retention, remembering the newest removed id in {@code trimmedKey}
     * (Redis itself does not report what trimming removed). Count trimming runs once a stream is 10% over
     * its limit, so it costs one range read per tenth of the limit, not per message; age trimming removes
     * entries older than {@code minid}. Every key involved expires {@code ttl} ms after the last append.
     */
    static final String APPEND = """
            local function parse_id(id)
              local ms, seq = string.match(id, '^(%d+)-(%d+)$')
              return tonumber(ms), tonumber(seq)
            end
            local function id_before(a, b)
              local ams, aseq = parse_id(a)
              local bms, bseq = parse_id(b)
              return ams < bms or (ams == bms and aseq < bseq)
            end
            local function append(stream, trimmedKey, id, frame, maxEntries, minid, ttl, excluded)
              if excluded and excluded ~= '' then
                redis.call('XADD', stream, id, 'f', frame, 'x', excluded)
              else
                redis.call('XADD', stream, id, 'f', frame)
              end
              local removed = nil
              local excess = redis.call('XLEN', stream) - maxEntries
              if excess > math.max(1, math.floor(maxEntries / 10)) then
                local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess + 1)
                removed = head[excess][1]
                redis.call('XTRIM', stream, 'MINID', '=', head[excess + 1][1])
              end
              local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
              if first and id_before(first[1], minid) then
                local old = redis.call('XREVRANGE', stream, '(' .. minid, '-', 'COUNT', 1)[1]
                if old and (removed == nil or id_before(removed, old[1])) then removed = old[1] end
                redis.call('XTRIM', stream, 'MINID', '=', minid)
              end
              if removed then redis.call('SET', trimmedKey, removed) end
              redis.call('PEXPIRE', stream, ttl)
              redis.call('PEXPIRE', trimmedKey, ttl) -- a no-op while nothing was ever trimmed
            end
            """;

    /**
     * KEYS: last-id, nodes (on a Redis Cluster only the last-id of the recipients' slot: every key a call
     * touches is in that slot, the caller groups recipients by slot). ARGV: max entries, max age ms,
     * idempotency key ("" for none), idempotency window ms, frame prefix, frame suffix, origin member, member
     * channel prefix, inbox key prefix, presence key prefix, seen key prefix, request digest, inbox
     * trimmed-marker prefix, "1" to store only for known recipients (else ""), known-marker prefix, the slot's
     * hash tag ("" unsharded: it tags the idempotency key and the member channels), the publish command
     * ({@code PUBLISH}, or {@code SPUBLISH} to sharded channels), then the recipients (from ARGV 18). A recipient
     * is known while its known marker exists or it has a presence entry. Each user's keys are a prefix followed by {@link RedisKeys#user the user segment},
     * built here by {@code user_key} exactly as in Java. The idempotency key is
     * claimed (as {@code id|digest}) only after every append: Redis does not roll back a script that
     * fails part-way, and a retry must then store the message again rather than be answered "duplicate".
     * Returns {"dup", id} for a repeated idempotency key with the same digest, {"conflict", id} with
     * another digest, else {"ok", id, {user, connections, ...},
     * {undelivered users...}, {unknown users...}}: connections counts only members whose subscriber took the PUBLISH;
     * undelivered users were online on a member that missed it.
     */
    public static final RedisScript STORE = new RedisScript(NEXT_ID + APPEND + """
            local function user_key(prefix, user)
              return prefix .. '{' .. #user .. ':' .. user .. '}'
            end
            local idem = ARGV[3]
            local idemKey = 'sb:idem:' .. (ARGV[16] ~= '' and ('{' .. ARGV[16] .. '}:') or '') .. idem
            local channelSuffix = ARGV[16] ~= '' and (':{' .. ARGV[16] .. '}') or ''
            if idem ~= '' then
              local earlier = redis.call('GET', idemKey)
              if earlier then
                local eid, edigest = string.match(earlier, '^([^|]*)|(.*)$')
                if eid == nil then return {'dup', earlier} end
                if edigest ~= ARGV[12] then return {'conflict', eid} end
                return {'dup', eid}
              end
            end
            local id, now = next_id(KEYS[1])
            local frame = ARGV[5] .. id .. ARGV[6]
            local minid = string.format('%d-0', now - tonumber(ARGV[2]))
            local alive = {}
            local members = {}
            local order = {}
            local connections = {}
            local unknown = {}
            local recipients = {}
            for i = 18, #ARGV do
              local user = ARGV[i]
              if ARGV[14] == '1' and redis.call('EXISTS', user_key(ARGV[15], user), user_key(ARGV[10], user)) == 0 then
                table.insert(unknown, user)
              else
                table.insert(recipients, user)
              end
            end
            for _, user in ipairs(recipients) do
              append(user_key(ARGV[9], user), user_key(ARGV[13], user), id, frame, tonumber(ARGV[1]), minid, ARGV[2])
              connections[user] = {}
              for _, entry in ipairs(redis.call('HVALS', user_key(ARGV[10], user))) do
                local member, expires = string.match(entry, '^(.*)|(%d+)$')
                if member and tonumber(expires) > now then
                  if alive[member] == nil then
                    if KEYS[2] then
                      local score = redis.call('ZSCORE', KEYS[2], member)
                      alive[member] = score ~= false and tonumber(score) >= now
                    else
                      alive[member] = true -- sharded: the liveness key is in another slot; the entry's expiry decides
                    end
                  end
                  if alive[member] then
                    if not members[member] then members[member] = {}; table.insert(order, member) end
                    local list = members[member]
                    if connections[user][member] == nil then table.insert(list, user) end
                    connections[user][member] = (connections[user][member] or 0) + 1
                  end
                end
              end
            end
            local delivered = {}
            local missed = {}
            for _, member in ipairs(order) do
              local users = members[member]
              local payload = ARGV[7] .. '\\n$' .. id .. '\\31' .. table.concat(users, '\\31') .. '\\n' .. frame
              local took = redis.call(ARGV[17], ARGV[8] .. member .. channelSuffix, payload) > 0
              for _, user in ipairs(users) do
                if took then
                  delivered[user] = (delivered[user] or 0) + connections[user][member]
                else
                  missed[user] = true
                end
              end
            end
            local counts = {}
            local undelivered = {}
            if idem ~= '' then redis.call('SET', idemKey, id .. '|' .. ARGV[12], 'PX', ARGV[4]) end
            for _, user in ipairs(recipients) do
              if delivered[user] then
                table.insert(counts, user); table.insert(counts, delivered[user])
                redis.call('SET', user_key(ARGV[11], user), id, 'PX', ARGV[2])
              elseif missed[user] then
                table.insert(undelivered, user)
              end
            end
            return {'ok', id, counts, undelivered, unknown}
            """);


    /**
     * Stores a room message in the room's history and publishes it to every member (node run) with
     * connections in the room, this node included, so each node gets a room's messages in id order.
     * KEYS: last-id (on a Redis Cluster, the room's slot's), room nodes hash, history stream, its trimmed marker.
     * ARGV: max entries, max age ms, frame prefix, frame suffix, origin member, member channel prefix, room,
     * excluded connection ("" for none), member channel suffix (the room's slot's tag, "" unsharded), publish
     * command.
     * Returns {id, connections reached}.
     */
    public static final RedisScript ROOM_STORE = new RedisScript(NEXT_ID + APPEND + """
            local id, now = next_id(KEYS[1])
            local frame = ARGV[3] .. id .. ARGV[4]
            append(KEYS[3], KEYS[4], id, frame, tonumber(ARGV[1]), string.format('%d-0', now - tonumber(ARGV[2])), ARGV[2], ARGV[8])
            local payload = ARGV[5] .. '\\n#' .. ARGV[7] .. '\\31' .. ARGV[8] .. '\\31' .. id .. '\\n' .. frame
            local reached = 0
            local nodes = redis.call('HGETALL', KEYS[2])
            for i = 1, #nodes, 2 do
              if redis.call(ARGV[10], ARGV[6] .. nodes[i] .. ARGV[9], payload) > 0 then
                reached = reached + tonumber(nodes[i + 1])
              end
            end
            return {id, reached}
            """);

    /**
     * Opens a connection's inbox in one atomic step: writes its presence entry (and its user's "known"
     * marker), then reads where it resumes (the requested id, else the device's cursor; else the user's seen
     * id; the trimmed marker when it asked for a point) and the first page after that point. Being one step, no
     * message is stored between the read and the entry: one stored before is in the page (or a later one),
     * one stored after is routed to the connection. KEYS: presence, known, cursors, seen, trimmed, inbox (one
     * user's: one slot). ARGV: connection id, presence entry, presence ttl ms, known ttl ms, requested id
     * ("" for none), device, page size. Returns {requested or "", seen or "", trimmed or "", {id, frame, ...}}.
     */
    static final RedisScript OPEN = new RedisScript("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
            local requested = ARGV[5]
            if requested == '' then requested = redis.call('HGET', KEYS[3], ARGV[6]) or '' end
            local seen, trimmed, from = '', '', requested
            if requested == '' then
              seen = redis.call('GET', KEYS[4]) or ''
              from = seen
            else
              trimmed = redis.call('GET', KEYS[5]) or ''
            end
            local start = '-'
            if from ~= '' then start = '(' .. from end
            local page = {}
            for _, entry in ipairs(redis.call('XRANGE', KEYS[6], start, '+', 'COUNT', ARGV[7])) do
              local fields = entry[2]
              for i = 1, #fields, 2 do
                if fields[i] == 'f' then
                  page[#page + 1] = entry[1]
                  page[#page + 1] = fields[i + 1]
                end
              end
            end
            return {requested, seen, trimmed, page}
            """);

    /** {@link #OPEN}'s keys for the user's connection. */
    static List<String> openKeys(String user) {
        return List.of(RedisKeys.presence(user), RedisKeys.known(user), RedisKeys.cursors(user), RedisKeys.seen(user),
                RedisKeys.inboxTrimmed(user), RedisKeys.inbox(user));
    }

    /** {@link #OPEN}'s arguments, in its order; {@code requested} is "" for none. */
    static List<String> openArguments(String connection, String presenceEntry, long presenceTtlMillis, long knownTtlMillis,
            String requested, String device, int pageSize) {
        return List.of(connection, presenceEntry, String.valueOf(presenceTtlMillis), String.valueOf(knownTtlMillis), requested,
                device, String.valueOf(pageSize));
    }

    /**
     * Sets a key (or, with a field, a hash field) to an id unless it already holds a later one; refreshes
     * the key's expiry. KEYS: key. ARGV: id, ttl ms, field ("" for a plain key).
     */
    static final RedisScript MAX_ID = new RedisScript("""
            local current
            if ARGV[3] == '' then current = redis.call('GET', KEYS[1]) else current = redis.call('HGET', KEYS[1], ARGV[3]) end
            local function parts(id)
              local ms, seq = string.match(id, '^(%d+)-(%d+)$')
              return tonumber(ms), tonumber(seq)
            end
            if current then
              local cms, cseq = parts(current)
              local nms, nseq = parts(ARGV[1])
              if cms > nms or (cms == nms and cseq >= nseq) then return 0 end
            end
            if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[3], ARGV[1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    /** {@link #STORE}'s keys for recipients in {@code slot} ({@link RedisSlots#UNSHARDED}: any recipients). */
    public static List<String> storeKeys(int slot) {
        return slot == RedisSlots.UNSHARDED ? List.of(RedisKeys.LAST_ID, RedisKeys.NODES) : List.of(RedisKeys.lastId(slot));
    }

    /**
     * {@link #STORE}'s arguments, in its order: the one place that knows it. {@code idempotencyKey} and
     * {@code requestDigest} are "" for a message without an idempotency key.
     */
    public static List<String> storeArguments(int maxEntries, long maxAgeMillis, String idempotencyKey, long idempotencyWindowMillis,
            String framePrefix, String frameSuffix, String originHeader, String requestDigest, boolean knownRecipientsOnly,
            List<String> recipients, int slot) {
        List<String> args = new ArrayList<>(17 + recipients.size());
        args.addAll(List.of(String.valueOf(maxEntries), String.valueOf(maxAgeMillis), idempotencyKey,
                String.valueOf(idempotencyWindowMillis), framePrefix, frameSuffix, originHeader,
                RedisKeys.MEMBER_CHANNEL_PREFIX, RedisKeys.INBOX_PREFIX, RedisKeys.PRESENCE_PREFIX, RedisKeys.SEEN_PREFIX,
                requestDigest, RedisKeys.INBOX_TRIMMED_PREFIX, knownRecipientsOnly ? "1" : "", RedisKeys.KNOWN_PREFIX,
                slot == RedisSlots.UNSHARDED ? "" : RedisSlots.tag(slot), RedisSlots.publishCommand(slot)));
        args.addAll(recipients);
        return args;
    }

    /** {@link #ROOM_STORE}'s keys for the room. */
    public static List<String> roomStoreKeys(String room, int slot) {
        return List.of(RedisKeys.lastId(slot), RedisKeys.roomNodes(room), RedisKeys.roomHistory(room),
                RedisKeys.roomHistoryTrimmed(room));
    }

    /** {@link #ROOM_STORE}'s arguments; {@code excludedConnection} is "" for none. */
    public static List<String> roomStoreArguments(int maxEntries, long maxAgeMillis, String framePrefix, String frameSuffix,
            String originHeader, String room, String excludedConnection, int slot) {
        return List.of(String.valueOf(maxEntries), String.valueOf(maxAgeMillis), framePrefix, frameSuffix, originHeader,
                RedisKeys.MEMBER_CHANNEL_PREFIX, room, excludedConnection, RedisKeys.slotSuffix(slot), RedisSlots.publishCommand(slot));
    }
}
