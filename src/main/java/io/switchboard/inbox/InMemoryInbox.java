package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.MessageId;
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
 * age, the id generator, device cursors and idempotency keys ({@link IdempotencyKeys}). Lost when the node
 * stops (a single node keeps nothing on disk; use Redis with persistence for durability). Writes are
 * serialized by the in-memory broker's store lock; each user's deque is guarded by its own monitor for readers.
 * <p>
 * All streams and idempotency keys together stay within {@code switchboard.inbox.memory-max-bytes}: past
 * it, the oldest messages (and keys) of the whole store go first (down to 90% of the budget, so eviction
 * runs in batches), and the streams they left report them as trimmed, exactly as retention by count or age
 * does. A stream that eviction empties is dropped, and every stream not held reports the newest id
 * eviction ever dropped as trimmed (eviction is oldest-first, so nothing newer was dropped anywhere).
 * Nothing is kept per id for ever: once a minute, streams whose every message is past the retention age,
 * and cursors and seen markers not written for that long, are dropped, as their Redis keys expire.
 */
@ApplicationScoped
@Typed(InMemoryInbox.class)
public class InMemoryInbox implements Inbox {

    @Inject
    SwitchboardConfig config;

    private final Clock clock;
    /** Streams by key: {@code u:<user>} streams and {@code r:<room>} histories. */
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, Devices> cursors = new ConcurrentHashMap<>();
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** User → when it last connected: the recipient policy "known". */
    private final Map<String, Long> known = new ConcurrentHashMap<>();
    /** The newest id that memory-budget eviction dropped; what a stream not held reports as trimmed. */
    private volatile MessageId evictedUpTo = MessageId.ZERO;
    private final AtomicLong lastSweepMillis = new AtomicLong();
    private static final long SWEEP_EVERY_MILLIS = 60_000;
    private MessageId lastId = MessageId.ZERO;
    /** Estimated heap held by stored messages (see {@link #footprint}) and idempotency keys: the store's budget. */
    private final AtomicLong storedBytes = new AtomicLong();
    private final IdempotencyKeys idempotencyKeys = new IdempotencyKeys(storedBytes);
    private final ReentrantLock eviction = new ReentrantLock();
    private static final String USER = "u:";
    private static final String ROOM = "r:";

    /** One stream's messages, its retention and the newest id retention removed. */
    private static final class Stream {
        final String key;
        final Deque<StoredMessage> messages = new ArrayDeque<>();
        final int maxEntries;
        final long maxAgeMillis;
        MessageId trimmedUpTo = MessageId.ZERO;

        Stream(String key, int maxEntries, long maxAgeMillis) {
            this.key = key;
            this.maxEntries = maxEntries;
            this.maxAgeMillis = maxAgeMillis;
        }
    }

    /** A user's device cursors and when one was last written (they expire like Redis' cursor hash). */
    private static final class Devices {
        final Map<String, MessageId> upTo = new ConcurrentHashMap<>();
        volatile long writtenAtMillis;
    }

    private record Seen(MessageId id, long writtenAtMillis) {
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
        return idempotencyKeys.claimed(idempotency, clock.millis());
    }

    /** Remembers that the request of {@code idempotency} was stored as {@code id}, for the idempotency window. */
    public void claim(Idempotency idempotency, MessageId id) {
        long now = clock.millis();
        idempotencyKeys.claim(idempotency, id, now, now + config.api().idempotencyWindow().toMillis());
        if (storedBytes.get() > config.inbox().memoryMaxBytes()) {
            evictOldest();
        }
    }

    /** Idempotency keys held now. */
    public int idempotencyKeys() {
        return idempotencyKeys.size();
    }

    /** Appends a message to the user's inbox and trims it by count and age. */
    public void append(String user, StoredMessage message) {
        append(USER + user, message, config.inbox().maxEntries(), config.inbox().maxAge().toMillis());
    }

    /** Appends a message to the room's history and trims it by count and age. */
    public void appendToRoom(String room, StoredMessage message) {
        append(ROOM + room, message, config.rooms().historyMaxEntries(), config.rooms().historyMaxAge().toMillis());
    }

    private void append(String key, StoredMessage message, int maxEntries, long maxAgeMillis) {
        Stream inbox = streams.computeIfAbsent(key, k -> new Stream(k, maxEntries, maxAgeMillis));
        synchronized (inbox) {
            inbox.messages.addLast(message);
            storedBytes.addAndGet(footprint(message));
            trim(inbox);
        }
        if (storedBytes.get() > config.inbox().memoryMaxBytes()) {
            evictOldest();
        }
        sweepIfDue();
    }

    /** Runs {@link #sweepExpired} at most once a minute, on whichever writer comes first. */
    private void sweepIfDue() {
        long now = clock.millis();
        long lastSweep = lastSweepMillis.get();
        if (now - lastSweep >= SWEEP_EVERY_MILLIS && lastSweepMillis.compareAndSet(lastSweep, now)) {
            sweepExpired(now);
        }
    }

    /**
     * Drops what Redis would have expired by now: streams whose newest message is past their retention
     * age (all of it would be trimmed on the next read; a resume from before that age is not recovered
     * anyway), and cursors and seen markers not written within the inbox retention age.
     */
    void sweepExpired(long nowMillis) {
        long inboxAge = config.inbox().maxAge().toMillis();
        for (Map.Entry<String, Stream> entry : streams.entrySet()) {
            Stream stream = entry.getValue();
            synchronized (stream) {
                StoredMessage newest = stream.messages.peekLast();
                long newestMillis = newest == null ? stream.trimmedUpTo.millis() : newest.id().millis();
                if (newestMillis < nowMillis - stream.maxAgeMillis) {
                    stream.messages.forEach(message -> storedBytes.addAndGet(-footprint(message)));
                    stream.messages.clear();
                    streams.remove(entry.getKey(), stream);
                }
            }
        }
        cursors.values().removeIf(devices -> devices.writtenAtMillis < nowMillis - inboxAge);
        known.values().removeIf(connectedAt -> connectedAt < nowMillis - inboxAge);
        seen.values().removeIf(marker -> marker.writtenAtMillis() < nowMillis - inboxAge);
    }

    /** Streams, users with cursors, users with seen markers and known users held now (what {@link #sweepExpired} bounds). */
    int[] heldPerId() {
        return new int[] {streams.size(), cursors.size(), seen.size(), known.size()};
    }

    /** The user connected now: it counts as known for the inbox retention age. */
    public void markKnown(String user) {
        known.put(user, clock.millis());
        sweepIfDue(); // a node whose users connect but never store anything must not keep them all
    }

    /** Whether the user connected within the inbox retention age (connected users are known by the caller). */
    public boolean isKnown(String user) {
        Long connectedAt = known.get(user);
        return connectedAt != null && connectedAt >= clock.millis() - config.inbox().maxAge().toMillis();
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
            long target = config.inbox().memoryMaxBytes() / 10 * 9;
            PriorityQueue<Map.Entry<MessageId, Stream>> oldestFirst = new PriorityQueue<>(Map.Entry.comparingByKey());
            for (Stream stream : streams.values()) {
                MessageId head = headOf(stream);
                if (head != null) {
                    oldestFirst.add(Map.entry(head, stream));
                }
            }
            while (storedBytes.get() > target && (!oldestFirst.isEmpty() || idempotencyKeys() > 0)) {
                Map.Entry<MessageId, Stream> oldest = oldestFirst.peek();
                if (idempotencyKeys.evictOldestIfClaimedBefore(oldest == null ? Long.MAX_VALUE : oldest.getKey().millis())) {
                    continue;
                }
                oldestFirst.poll();
                Stream stream = oldest.getValue();
                MessageId next;
                synchronized (stream) {
                    StoredMessage first = stream.messages.peekFirst();
                    if (first != null && first.id().equals(oldest.getKey())) {
                        removeFirst(stream);
                        if (stream.messages.isEmpty()) {
                            // raised before the stream goes, so a reader never sees neither
                            evictedUpTo = max(evictedUpTo, stream.trimmedUpTo);
                            streams.remove(stream.key, stream);
                        }
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
            return evictedUpTo;
        }
        synchronized (inbox) {
            trim(inbox);
            return inbox.trimmedUpTo;
        }
    }

    @Override
    public Optional<MessageId> cursor(String user, String device) {
        Devices devices = cursors.get(user);
        return devices == null ? Optional.empty() : Optional.ofNullable(devices.upTo.get(device));
    }

    @Override
    public void saveCursor(String user, String device, MessageId upTo) {
        long now = clock.millis();
        cursors.compute(user, (u, devices) -> {
            Devices written = devices == null ? new Devices() : devices;
            written.upTo.merge(device, upTo, InMemoryInbox::max);
            written.writtenAtMillis = now;
            return written;
        });
    }

    @Override
    public Optional<MessageId> seen(String user) {
        return Optional.ofNullable(seen.get(user)).map(Seen::id);
    }

    @Override
    public void markSeen(String user, MessageId id) {
        long now = clock.millis();
        seen.merge(user, new Seen(id, now), (old, fresh) -> new Seen(max(old.id(), fresh.id()), now));
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
