package io.switchboard.redis.store;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.inbox.ClusterInbox;
import io.switchboard.inbox.Idempotency;
import io.switchboard.inbox.InboxOpening;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.presence.RedisPresence;
import io.switchboard.redis.relay.RelayCodec;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.routing.Broker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Stored direct messages in Redis: one stream per user ({@code sb:inbox:{<n>:<user>}}, field {@code f} = the
 * frame; key names in {@link RedisKeys}), trimmed by count and age as messages are stored
 * ({@link InboxScripts#APPEND}, which records the newest removed id in {@code sb:inbox-trimmed:{<n>:<user>}})
 * and expiring with its last message; device cursors ({@code sb:cursor:} hash) and the user's newest
 * delivered id ({@code sb:seen:}). The one owner of the inbox scripts: {@link #store} (a direct message,
 * through the {@link ScriptPipeline}) and {@link #storeRoom} (a room message) wrap {@link InboxScripts#STORE}
 * and {@link InboxScripts#ROOM_STORE} and read their replies into typed answers; the {@link io.switchboard.redis.RedisBroker} decides
 * what those mean for the sender. Reads run on the caller's thread and fail with 503 {@code relay-unavailable}
 * when Redis cannot answer.
 */
@ApplicationScoped
@Typed({RedisInbox.class, ClusterInbox.class})
public class RedisInbox implements ClusterInbox {

    @Inject
    RedisClient redis;

    @Inject
    RelayState state;

    @Inject
    SwitchboardConfig config;

    @Inject
    ScriptPipeline pipeline;

    @Inject
    ClusterMember member;

    @Inject
    RedisPresence presence;

    /** What {@link InboxScripts#STORE} did with the recipients of one slot. */
    public enum StoreOutcome {
        /** Stored (and relayed) under a new id. */
        STORED,
        /** The idempotency key was seen with the same request: nothing stored, the original id answered. */
        DUPLICATE,
        /** The idempotency key was seen with another request: nothing stored. */
        CONFLICT
    }

    /**
     * One store's answer: its outcome and id (the original's for a duplicate or conflict); for a stored
     * message, connections reached per recipient that got it live, recipients online on a node that missed
     * the relay, recipients left out as unknown.
     */
    public record StoreReply(StoreOutcome outcome, String messageId, Map<String, Integer> delivered, Set<String> undelivered,
            Set<String> unknown) {
    }

    /**
     * Stores a direct message for {@code recipients} (all in {@code slot}, or any with
     * {@link io.switchboard.redis.client.RedisSlots#UNSHARDED}) in one atomic step with its relay, queued on the sender's pipeline lane.
     * Completes on that lane's thread; exceptionally with what the pipeline or Redis threw.
     */
    public CompletableFuture<StoreReply> store(Broker.StoredDirect message, List<String> recipients, int slot) {
        Idempotency idempotency = message.idempotency();
        return pipeline.submit(message.sender(), InboxScripts.STORE, InboxScripts.storeKeys(slot),
                InboxScripts.storeArguments(config.inbox().maxEntries(), config.inbox().maxAge().toMillis(),
                        idempotency == null ? "" : idempotency.scopedKey(), config.api().idempotencyWindow().toMillis(),
                        message.frame().prefix(), message.frame().suffix(), RelayCodec.originHeader(member.id()),
                        idempotency == null ? "" : idempotency.requestDigest(), message.knownRecipientsOnly(),
                        recipients, slot))
                .thenApply(RedisInbox::storeReply);
    }

    private static StoreReply storeReply(Object raw) {
        List<?> reply = (List<?>) raw;
        String id = (String) reply.get(1);
        switch ((String) reply.get(0)) {
            case "dup" -> {
                return new StoreReply(StoreOutcome.DUPLICATE, id, Map.of(), Set.of(), Set.of());
            }
            case "conflict" -> {
                return new StoreReply(StoreOutcome.CONFLICT, id, Map.of(), Set.of(), Set.of());
            }
            default -> {
                Map<String, Integer> delivered = new LinkedHashMap<>();
                List<?> flat = (List<?>) reply.get(2);
                for (int i = 0; i + 1 < flat.size(); i += 2) {
                    delivered.put((String) flat.get(i), ((Number) flat.get(i + 1)).intValue());
                }
                Set<String> undelivered = new LinkedHashSet<>();
                ((List<?>) reply.get(3)).forEach(user -> undelivered.add((String) user));
                Set<String> unknown = new LinkedHashSet<>();
                ((List<?>) reply.get(4)).forEach(user -> unknown.add((String) user));
                return new StoreReply(StoreOutcome.STORED, id, delivered, undelivered, unknown);
            }
        }
    }

    /** A stored room message's id and the member connections its relay reached (the excluded one included). */
    public record RoomStoreReply(String messageId, int reached) {
    }

    /**
     * Stores a room message in the room's history and relays it to every node with members, in one step
     * (then waits for {@code switchboard.redis.wait.replicas}, if set). Runs on the caller's thread; throws
     * what Redis threw ({@link io.switchboard.redis.client.NotReplicatedException} when the replicas did not confirm in time).
     */
    public RoomStoreReply storeRoom(String room, FrameTemplate template, String excludedConnection) {
        int slot = redis.slotOf(RedisKeys.roomHistory(room));
        List<?> reply = (List<?>) redis.runReplicated(InboxScripts.ROOM_STORE, InboxScripts.roomStoreKeys(room, slot),
                InboxScripts.roomStoreArguments(config.rooms().historyMaxEntries(), config.rooms().historyMaxAge().toMillis(),
                        template.prefix(), template.suffix(), RelayCodec.originHeader(member.id()), room,
                        excludedConnection == null ? "" : excludedConnection, slot));
        return new RoomStoreReply((String) reply.get(0), ((Number) reply.get(1)).intValue());
    }

    /**
     * One {@link InboxScripts#OPEN} step, queued on the user's pipeline lane: the connection's presence entry
     * and what its replay needs, in one round trip that never runs on the caller's thread. Fails at once when
     * the relay is down (503 {@code relay-unavailable}) or the lane is full. Completes on the lane thread. A
     * connection that closed while its entry was being written gets the entry removed again (its close may
     * have removed it before the step ran).
     */
    @Override
    public CompletionStage<InboxOpening> open(Connection connection, Optional<MessageId> since, int pageSize) {
        if (!state.isUp()) {
            return CompletableFuture.failedStage(unavailable());
        }
        String user = connection.user();
        return pipeline.submit(user, InboxScripts.OPEN, InboxScripts.openKeys(user),
                InboxScripts.openArguments(connection.id(), presence.entryNow(), presence.entryTtlMillis(),
                        config.inbox().maxAge().toMillis(), since.map(MessageId::toString).orElse(""), connection.device(),
                        pageSize))
                .thenApply(reply -> {
                    if (!connection.isOpen()) {
                        presence.closed(connection);
                    }
                    return opening((List<?>) reply);
                });
    }

    private static InboxOpening opening(List<?> reply) {
        List<?> flat = (List<?>) reply.get(3);
        List<StoredMessage> page = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            page.add(new StoredMessage(MessageId.parse((String) flat.get(i), "stored"), (String) flat.get(i + 1)));
        }
        return new InboxOpening(optionalId(reply.get(0), "cursor"), optionalId(reply.get(1), "seen"),
                optionalId(reply.get(2), "trimmed").orElse(MessageId.ZERO), page, true);
    }

    private static Optional<MessageId> optionalId(Object value, String what) {
        String id = (String) value;
        return id.isEmpty() ? Optional.empty() : Optional.of(MessageId.parse(id, what));
    }

    @Override
    public List<StoredMessage> read(String user, MessageId after, int limit) {
        return call(() -> messages(redis.commands().xrange(RedisKeys.inbox(user), "(" + after, "+", limit)));
    }

    @Override
    public MessageId trimmedUpTo(String user) {
        return trimmedUpToOf(RedisKeys.inboxTrimmed(user));
    }

    @Override
    public List<StoredMessage> readRoom(String room, MessageId after, int limit) {
        return call(() -> messages(redis.commands().xrange(RedisKeys.roomHistory(room), "(" + after, "+", limit)));
    }

    @Override
    public List<StoredMessage> latestOfRoom(String room, int limit) {
        return call(() -> {
            List<StoredMessage> newestFirst = messages(redis.commands().xrevrange(RedisKeys.roomHistory(room), "+", "-", limit));
            Collections.reverse(newestFirst);
            return newestFirst;
        });
    }

    @Override
    public MessageId roomTrimmedUpTo(String room) {
        return trimmedUpToOf(RedisKeys.roomHistoryTrimmed(room));
    }

    /** The newest id retention removed, which the append script records in the stream's marker key. */
    private MessageId trimmedUpToOf(String marker) {
        return call(() -> Optional.ofNullable(redis.commands().get(marker))
                .map(id -> MessageId.parse(id, "trimmed")).orElse(MessageId.ZERO));
    }

    private static List<StoredMessage> messages(List<StreamEntry> entries) {
        List<StoredMessage> page = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            page.add(new StoredMessage(new MessageId(entry.getID().getTime(), entry.getID().getSequence()),
                    entry.getFields().get(RedisKeys.FRAME_FIELD)));
        }
        return page;
    }

    @Override
    public Optional<MessageId> cursor(String user, String device) {
        return call(() -> Optional.ofNullable(redis.commands().hget(RedisKeys.cursors(user), device))
                .map(id -> MessageId.parse(id, "cursor")));
    }

    @Override
    public void saveCursor(String user, String device, MessageId upTo) {
        call(() -> InboxScripts.MAX_ID.run(redis.commands(), List.of(RedisKeys.cursors(user)),
                List.of(upTo.toString(), String.valueOf(config.inbox().maxAge().toMillis()), device)));
    }

    @Override
    public Optional<MessageId> seen(String user) {
        return call(() -> Optional.ofNullable(redis.commands().get(RedisKeys.seen(user)))
                .map(id -> MessageId.parse(id, "seen")));
    }

    @Override
    public void markSeen(String user, MessageId id) {
        call(() -> InboxScripts.MAX_ID.run(redis.commands(), List.of(RedisKeys.seen(user)),
                List.of(id.toString(), String.valueOf(config.inbox().maxAge().toMillis()), "")));
    }

    private <T> T call(Supplier<T> command) {
        return state.require(command, RedisInbox::unavailable);
    }

    private static ProtocolException unavailable() {
        return new ProtocolException(ErrorCode.RELAY_UNAVAILABLE, "Stored messages are unreachable (Redis); retry later");
    }
}
