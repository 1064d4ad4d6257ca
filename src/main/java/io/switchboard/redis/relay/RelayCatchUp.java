package io.switchboard.redis.relay;

import io.switchboard.connection.Connection;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.MessageId;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.client.RedisSlots;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Repairs a gap in the relay. Redis pub/sub is at-most-once: while this node's subscription is down
 * (Redis restarting or failing over, the subscriber cut at its output-buffer limit or by
 * {@code CLIENT KILL}, a half-open socket found by the watchdog), messages stored for its connections
 * are published to nobody. Right after every (re)subscription, before the first relayed message is
 * handled, each local connection is handed what its streams (its user's inbox, each of its rooms) hold
 * after the newest id it was sent there, exactly as if it had arrived live: the connection's per-stream
 * watermark drops what it already has, and everything relayed afterwards follows in id order. A stream
 * a connection never got a stored message on is read after the newest stored id this node was relayed
 * before the gap: everything up to it did arrive, since Redis publishes in script (= id) order.
 *
 * <p>Thread: the subscriber's only. It reads every stream in one pipelined round trip (plus one per
 * further page of a long gap) on a pooled command connection, and blocks on it at most the Redis timeout
 * per round trip; meanwhile Redis buffers the relayed messages. A failure is thrown to the subscriber,
 * which drops the subscription and tries again (catching up is idempotent).
 */
@ApplicationScoped
public class RelayCatchUp {
    /** Entries read per stream and round trip. */
    static final int PAGE = 500;

    @Inject
    RedisClient redis;

    @Inject
    ConnectionRegistry connections;

    @Inject
    RoomRegistry rooms;

    /**
     * The newest stored id relayed to this node, per slot (one entry, {@link RedisSlots#UNSHARDED}, unless on a
     * Redis Cluster, where ids grow per slot and each shard relays in its own order). Written by the
     * subscriber threads (one per shard), read by the catch-up while none of them delivers.
     */
    private final Map<Integer, MessageId> lastRelayed = new ConcurrentHashMap<>();

    /** Subscriber thread: a stored direct message with this id was relayed to this node for {@code user}. */
    void relayedDirect(String user, MessageId id) {
        relayed(redis.sharded() ? RedisSlots.of(RedisKeys.inbox(user)) : RedisSlots.UNSHARDED, id);
    }

    /** Subscriber thread: a stored message of {@code room} with this id was relayed to this node. */
    void relayedInRoom(String room, MessageId id) {
        relayed(redis.sharded() ? RedisSlots.of(RedisKeys.roomHistory(room)) : RedisSlots.UNSHARDED, id);
    }

    private void relayed(int slot, MessageId id) {
        lastRelayed.merge(slot, id, (current, candidate) -> candidate.isAfter(current) ? candidate : current);
    }

    /** A connection of a stream and the id after which it may have missed messages. */
    private record Reader(Connection connection, MessageId after) {
    }

    /** One stream to read: its Redis key, its connections here, and where to start reading it. */
    private static final class Gap {
        final StreamKey stream;
        final String key;
        final List<Reader> readers = new ArrayList<>();
        MessageId from;

        Gap(StreamKey stream, String key) {
            this.stream = stream;
            this.key = key;
        }
    }

    /**
     * Hands every local connection what it may have missed; returns how many stored messages were read.
     * Subscriber thread, before it handles relayed messages again. Throws what Jedis throws.
     */
    public int catchUp() {
        Map<String, Gap> gaps = new LinkedHashMap<>(); // by Redis key: one read per stream, however many connections
        for (Connection connection : connections.all()) {
            add(gaps, StreamKey.INBOX, RedisKeys.inbox(connection.user()), connection);
        }
        for (String room : rooms.rooms()) {
            StreamKey stream = StreamKey.room(room);
            for (Connection member : rooms.members(room)) {
                add(gaps, stream, RedisKeys.roomHistory(room), member);
            }
        }
        int read = 0;
        List<Gap> pending = new ArrayList<>(gaps.values());
        while (!pending.isEmpty()) {
            List<List<StreamEntry>> pages = readPages(pending);
            List<Gap> more = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Gap gap = pending.get(i);
                List<StreamEntry> page = pages.get(i);
                for (StreamEntry entry : page) {
                    MessageId id = new MessageId(entry.getID().getTime(), entry.getID().getSequence());
                    deliver(gap, id, entry.getFields().get(RedisKeys.FRAME_FIELD), entry.getFields().get(RedisKeys.EXCLUDED_FIELD));
                    gap.from = id;
                    read++;
                }
                if (page.size() == PAGE) {
                    more.add(gap);
                }
            }
            pending = more;
        }
        return read;
    }

    private List<List<StreamEntry>> readPages(List<Gap> gaps) {
        List<Response<List<StreamEntry>>> replies = new ArrayList<>(gaps.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Gap gap : gaps) {
                replies.add(pipeline.xrange(gap.key, exclusive(gap.from), StreamEntryID.MAXIMUM_ID, PAGE));
            }
            pipeline.sync();
        }
        List<List<StreamEntry>> pages = new ArrayList<>(replies.size());
        for (Response<List<StreamEntry>> reply : replies) {
            pages.add(reply.get());
        }
        return pages;
    }

    /** The smallest stream id after {@code id}: XRANGE's start is inclusive. */
    private static StreamEntryID exclusive(MessageId id) {
        return new StreamEntryID(id.millis(), id.sequence() + 1);
    }

    /**
     * A connection's stream starts after its watermark, or, if it was never sent a stored message there,
     * after the newest id relayed here (it has everything up to that one or was not there for it: a room
     * joined without {@code since} gets nothing from before its join). A connection with neither is skipped.
     */
    private void add(Map<String, Gap> gaps, StreamKey stream, String key, Connection connection) {
        Optional<MessageId> watermark = connection.watermark(stream);
        MessageId relayedHere = lastRelayed.getOrDefault(redis.slotOf(key), MessageId.ZERO);
        if (watermark.isEmpty() && relayedHere.equals(MessageId.ZERO)) {
            return; // nothing was ever sent to it nor relayed here: nothing it could have missed is known
        }
        MessageId start = watermark.orElse(relayedHere);
        Gap gap = gaps.computeIfAbsent(key, k -> new Gap(stream, key));
        gap.readers.add(new Reader(connection, start));
        if (gap.from == null || gap.from.isAfter(start)) {
            gap.from = start;
        }
    }

    private static void deliver(Gap gap, MessageId id, String frame, String excludedConnection) {
        for (Reader reader : gap.readers) {
            if (id.isAfter(reader.after()) && !reader.connection().id().equals(excludedConnection)) {
                reader.connection().deliver(gap.stream, id, frame);
            }
        }
    }
}
