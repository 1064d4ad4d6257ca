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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored messages of a single node, in memory: per user a bounded deque trimmed exactly by count and
 * age, the id generator, device cursors and idempotency keys. Lost when the node stops (a single node
 * keeps nothing on disk; use Redis with persistence for durability). Writes are serialized by the
 * in-memory broker's store lock; each user's deque is guarded by its own monitor for readers.
 */
@ApplicationScoped
@Typed(InMemoryInbox.class)
public class InMemoryInbox implements Inbox {

    @Inject
    SwitchboardConfig config;

    private final Clock clock;
    private final Map<String, UserInbox> inboxes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, MessageId>> cursors = new ConcurrentHashMap<>();
    private final Map<String, MessageId> seen = new ConcurrentHashMap<>();
    private final Map<String, Claimed> idempotencyKeys = new ConcurrentHashMap<>();
    private MessageId lastId = MessageId.ZERO;

    /** One user's messages and the newest id retention removed. */
    private static final class UserInbox {
        final Deque<StoredMessage> messages = new ArrayDeque<>();
        MessageId trimmedUpTo = MessageId.ZERO;
    }

    private record Claimed(MessageId id, long expiresAtMillis) {
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
     * The id already stored under an {@code Idempotency-Key} within the window, or empty after remembering
     * {@code id} for it.
     */
    public Optional<MessageId> claim(String key, MessageId id) {
        long now = clock.millis();
        idempotencyKeys.values().removeIf(claimed -> claimed.expiresAtMillis() <= now);
        Claimed previous = idempotencyKeys.putIfAbsent(key, new Claimed(id, now + config.idempotencyWindow().toMillis()));
        return previous == null ? Optional.empty() : Optional.of(previous.id());
    }

    /** Appends a message to the user's inbox and trims it by count and age. */
    public void append(String user, StoredMessage message) {
        UserInbox inbox = inboxes.computeIfAbsent(user, u -> new UserInbox());
        synchronized (inbox) {
            inbox.messages.addLast(message);
            trim(inbox);
        }
    }

    @Override
    public List<StoredMessage> read(String user, MessageId after, int limit) {
        UserInbox inbox = inboxes.get(user);
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
        UserInbox inbox = inboxes.get(user);
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

    private void trim(UserInbox inbox) {
        long oldestKept = clock.millis() - config.inboxMaxAge().toMillis();
        while (!inbox.messages.isEmpty() && (inbox.messages.size() > config.inboxMaxEntries()
                || inbox.messages.peekFirst().id().millis() < oldestKept)) {
            inbox.trimmedUpTo = inbox.messages.removeFirst().id();
        }
    }

    private static MessageId max(MessageId a, MessageId b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
