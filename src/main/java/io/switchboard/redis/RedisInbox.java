package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.inbox.ClusterInbox;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Stored direct messages in Redis: one stream per user ({@code sb:inbox:{<n>:<user>}}, field {@code f} = the
 * frame; key names in {@link RedisKeys}), trimmed by count and age as messages are stored
 * ({@link InboxScripts#APPEND}, which records the newest removed id in {@code sb:inbox-trimmed:{<n>:<user>}})
 * and expiring with its last message; device cursors ({@code sb:cursor:} hash) and the user's newest
 * delivered id ({@code sb:seen:}). Messages are written by {@link InboxScripts#STORE} in {@link RedisBroker}.
 * Runs on the caller's thread; fails with 503 {@code relay-unavailable} when Redis cannot answer.
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
                List.of(upTo.toString(), String.valueOf(config.inboxMaxAge().toMillis()), device)));
    }

    @Override
    public Optional<MessageId> seen(String user) {
        return call(() -> Optional.ofNullable(redis.commands().get(RedisKeys.seen(user)))
                .map(id -> MessageId.parse(id, "seen")));
    }

    @Override
    public void markSeen(String user, MessageId id) {
        call(() -> InboxScripts.MAX_ID.run(redis.commands(), List.of(RedisKeys.seen(user)),
                List.of(id.toString(), String.valueOf(config.inboxMaxAge().toMillis()), "")));
    }

    private <T> T call(Supplier<T> command) {
        return state.require(command, RedisInbox::unavailable);
    }

    private static ProtocolException unavailable() {
        return new ProtocolException(ErrorCode.RELAY_UNAVAILABLE, "Stored messages are unreachable (Redis); retry later");
    }
}
