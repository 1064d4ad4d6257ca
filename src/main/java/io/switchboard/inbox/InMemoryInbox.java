package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stored messages of a single node, in memory: per user a bounded deque trimmed exactly by count and
 * age, the id generator, device cursors and idempotency keys. Lost when the node stops (a single node
 * keeps nothing on disk; use Redis with persistence for durability). Writes are serialized by the
 * in-memory broker's store lock; each user's deque is guarded by its own monitor for readers.
 * <p>
 * All streams together stay within {@code switchboard.inbox.memory-max-bytes}: past it, the oldest
 * messages of the whole store go first (down to 90% of the budget, so eviction runs in batches), and the
 * streams they left report them as trimmed, exactly as retention by count or age does.
 */
@ApplicationScoped
@Typed(InMemoryInbox.class)
public class InMemoryInbox implements Inbox {

    @Inject
    SwitchboardConfig config;

    private final Clock clock;
    /** Streams by key: {@code u:<user>} streams and {@code r:<room>} histories. */
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, Map<String, MessageId>> cursors = new ConcurrentHashMap<>();
    private final Map<String, MessageId> seen = new ConcurrentHashMap<>();
    private final Map<String, Claimed> idempotencyKeys = new ConcurrentHashMap<>();
    private MessageId lastId = MessageId.ZERO;
    /** Estimated heap held by stored messages (see {@link #footprint}). */
    private final AtomicLong storedBytes = new AtomicLong();
    private final ReentrantLock eviction = new ReentrantLock();
    private static final String USER = "u:";
    private static final String ROOM = "r:";

    /** One stream's messages, its retention and the newest id retention removed. */
    private static final class Stream {
        final Deque<StoredMessage> messages = new ArrayDeque<>();
        final int maxEntries;
        final long maxAgeMillis;
        MessageId trimmedUpTo = MessageId.ZERO;

        Stream(int maxEntries, long maxAgeMillis) {
            this.maxEntries = maxEntries;
            this.maxAgeMillis = maxAgeMillis;
        }
    }

    private record Claimed(MessageId id, String requestDigest, long expiresAtMillis) {
    }

    public InMemoryInbox() {
        this(Clock.systemUTC());
    }

    public InMemoryInbox(SwitchboardConfig config, Clock clock) {
        this(clock);
        this.config = config;
    }

    private InMemoryInbox(Clock clock) {
        this.clock = clock;
    }

    /** The next message id (callers hold the broker's store lock, so ids are handed out in order). */
    public synchronized MessageId nextId() {
        lastId = lastId.nextAt(clock.millis());
        return lastId;
    }

    /**
     * The id already stored under this {@code Idempotency-Key} within the window, if any; 409
     * {@code idempotency-conflict} if it was stored for a different request.
     */
    public Optional<MessageId> claimed(Idempotency idempotency) {
        long now = clock.millis();
        idempotencyKeys.values().removeIf(claimed -> claimed.expiresAtMillis() <= now);
        Claimed previous = idempotencyKeys.get(idempotency.scopedKey());
        if (previous == null) {
            return Optional.empty();
        }
        if (!previous.requestDigest().equals(idempotency.requestDigest())) {
            throw new ProtocolException(ErrorCode.IDEMPOTENCY_CONFLICT,
                    "This Idempotency-Key was used with a different request (message " + previous.id() + ")");
        }
        return Optional.of(previous.id());
    }

    /** Remembers that the request of {@code idempotency} was stored as {@code id}, for the idempotency window. */
    public void claim(Idempotency idempotency, MessageId id) {
        idempotencyKeys.put(idempotency.scopedKey(),
                new Claimed(id, idempotency.requestDigest(), clock.millis() + config.idempotencyWindow().toMillis()));
    }

    /** Appends a message to the user's inbox and trims it by count and age. */
    public void append(String user, StoredMessage message) {
        append(USER + user, message, config.inboxMaxEntries(), config.inboxMaxAge().toMillis());
    }

    /** Appends a message to the room's history and trims it by count and age. */
    public void appendToRoom(String room, StoredMessage message) {
        append(ROOM + room, message, config.roomHistoryMaxEntries(), config.roomHistoryMaxAge().toMillis());
    }

    private void append(String key, StoredMessage message, int maxEntries, long maxAgeMillis) {
        Stream inbox = streams.computeIfAbsent(key, k -> new Stream(maxEntries, maxAgeMillis));
        synchronized (inbox) {
            inbox.messages.addLast(message);
            storedBytes.addAndGet(footprint(message));
            trim(inbox);
        }
        if (storedBytes.get() > config.inboxMemoryMaxBytes()) {
            evictOldest();
        }
    }

    /** Heap a stored message holds, roughly: the frame's characters (Latin-1 or UTF-16) plus objects. */
    static long footprint(StoredMessage message) {
        return 2L * message.frame().length() + 96;
    }

    /** Estimated bytes held by all stored messages now. */
    public long storedBytes() {
        return storedBytes.get();
    }

    /**
     * Removes the oldest messages of the whole store until it is back under 90% of its budget. One thread
     * evicts at a time; others carry on (the store may run over its budget by what they append meanwhile).
     */
    private void evictOldest() {
        if (!eviction.tryLock()) {
            return;
        }
        try {
            long target = config.inboxMemoryMaxBytes() / 10 * 9;
            PriorityQueue<Map.Entry<MessageId, Stream>> oldestFirst = new PriorityQueue<>(Map.Entry.comparingByKey());
            for (Stream stream : streams.values()) {
                MessageId head = headOf(stream);
                if (head != null) {
                    oldestFirst.add(Map.entry(head, stream));
                }
            }
            while (storedBytes.get() > target && !oldestFirst.isEmpty()) {
                Map.Entry<MessageId, Stream> oldest = oldestFirst.poll();
                Stream stream = oldest.getValue();
                MessageId next;
                synchronized (stream) {
                    StoredMessage first = stream.messages.peekFirst();
                    if (first != null && first.id().equals(oldest.getKey())) {
                        removeFirst(stream);
                    } // else retention trimmed it meanwhile: look at the stream's new head instead
                    next = stream.messages.isEmpty() ? null : stream.messages.peekFirst().id();
                }
                if (next != null) {
                    oldestFirst.add(Map.entry(next, stream));
                }
            }
        } finally {
            eviction.unlock();
        }
    }

    private static MessageId headOf(Stream stream) {
        synchronized (stream) {
            return stream.messages.isEmpty() ? null : stream.messages.peekFirst().id();
        }
    }

    /** Drops a stream's oldest message, remembering it as trimmed. Callers hold the stream's monitor. */
    private void removeFirst(Stream stream) {
        StoredMessage oldest = stream.messages.removeFirst();
        stream.trimmedUpTo = oldest.id();
        storedBytes.addAndGet(-footprint(oldest));
    }

    @Override
    public List<StoredMessage> read(String user, MessageId after, int limit) {
        return readStream(USER + user, after, limit);
    }

    @Override
    public List<StoredMessage> readRoom(String room, MessageId after, int limit) {
        return readStream(ROOM + room, after, limit);
    }

    @Override
    public List<StoredMessage> latestOfRoom(String room, int limit) {
        Stream history = streams.get(ROOM + room);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            trim(history);
            List<StoredMessage> all = new ArrayList<>(history.messages);
            return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
        }
    }

    @Override
    public MessageId roomTrimmedUpTo(String room) {
        return trimmedUpToOf(ROOM + room);
    }

    private List<StoredMessage> readStream(String key, MessageId after, int limit) {
        Stream inbox = streams.get(key);
        if (inbox == null) {
            return List.of();
        }
        List<StoredMessage> page = new ArrayList<>();
        synchronized (inbox) {
            trim(inbox);
            for (StoredMessage message : inbox.messages) {
                if (message.id().isAfter(after)) {
                    page.add(message);
                    if (page.size() == limit) {
                        break;
                    }
                }
            }
        }
        return page;
    }

    @Override
    public MessageId trimmedUpTo(String user) {
        return trimmedUpToOf(USER + user);
    }

    private MessageId trimmedUpToOf(String key) {
        Stream inbox = streams.get(key);
        if (inbox == null) {
            return MessageId.ZERO;
        }
        synchronized (inbox) {
            trim(inbox);
            return inbox.trimmedUpTo;
        }
    }

    @Override
    public Optional<MessageId> cursor(String user, String device) {
        Map<String, MessageId> devices = cursors.get(user);
        return devices == null ? Optional.empty() : Optional.ofNullable(devices.get(device));
    }

    @Override
    public void saveCursor(String user, String device, MessageId upTo) {
        cursors.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).merge(device, upTo, InMemoryInbox::max);
    }

    @Override
    public Optional<MessageId> seen(String user) {
        return Optional.ofNullable(seen.get(user));
    }

    @Override
    public void markSeen(String user, MessageId id) {
        seen.merge(user, id, InMemoryInbox::max);
    }

    private void trim(Stream inbox) {
        long oldestKept = clock.millis() - inbox.maxAgeMillis;
        while (!inbox.messages.isEmpty() && (inbox.messages.size() > inbox.maxEntries
                || inbox.messages.peekFirst().id().millis() < oldestKept)) {
            removeFirst(inbox);
        }
    }

    private static MessageId max(MessageId a, MessageId b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
