package io.switchboard.redis;

import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.NotReplicatedException;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.client.RedisSlots;
import io.switchboard.redis.presence.RedisPresence;
import io.switchboard.redis.presence.RedisRooms;
import io.switchboard.redis.relay.RelayCodec;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.redis.store.RedisInbox;
import io.switchboard.redis.store.ScriptPipeline;
import io.switchboard.routing.Broker;
import io.switchboard.routing.BrokerEventHandler;
import io.switchboard.routing.Clustered;
import io.switchboard.routing.DeliveryReport;
import io.switchboard.routing.Envelope;
import io.switchboard.routing.FanOutReport;
import io.switchboard.routing.RoomEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The cluster's publishing port. A direct message is routed by presence: one pipelined lookup finds the live
 * nodes holding each recipient, this node's connections get it directly, and each other node gets one
 * {@code PUBLISH} ({@code SPUBLISH} on a Redis Cluster) on its own channel carrying only its recipients, so
 * nodes never see (or decode) messages for users they do not hold. {@code PUBLISH} answers how many subscribers received it; a node
 * that missed it (subscriber reconnecting) makes its recipients {@code undelivered} in the ack instead
 * of silently counting them. Broadcasts go out on one channel all nodes subscribe to. A room message
 * goes, in one script ({@link RedisRooms#publish}), to the channel of each node run with members in
 * the room, so nodes without members never see it.
 *
 * <p>While the relay is down ({@link RelayState}) only this node's connections are tried: the ack says
 * {@code relay: unavailable}, and a message that reached nobody is refused with 503 so its sender can
 * retry. Runs on the sender's thread (WebSocket or HTTP); Redis calls are bounded by
 * {@code switchboard.redis.timeout-ms} and skipped entirely while the relay is down.
 */
@ApplicationScoped
@Clustered
public class RedisBroker implements Broker {

    @Inject
    RedisClient redis;

    @Inject
    RedisPresence presence;

    @Inject
    RelayState state;

    @Inject
    BrokerEventHandler events;

    @Inject
    ClusterMember member;

    @Inject
    RedisRooms rooms;

    @Inject
    RedisInbox inbox;

    @Inject
    TrafficCounters traffic;

    @Inject
    ScriptPipeline pipeline;

    /** What an {@code overloaded} refusal suggests waiting: about the time a full lane takes to drain. */
    private static final long OVERLOAD_RETRY_MILLIS = 100;

    /**
     * A transient message: queued on the sender's lane (a full lane refuses it before anyone got it). The
     * lane finds, with the other relays it holds, where the recipients are and makes one {@code PUBLISH} per
     * node that holds some, this one included, pipelined: no script, nothing stored, no Redis call on the
     * sender's thread. This node's connections get it through its own channel too, like a stored message,
     * so a sender's stored and transient messages reach every connection in the order they were sent.
     */
    @Override
    public CompletionStage<DeliveryReport> publishDirect(String sender, Envelope envelope) {
        if (!state.isUp()) {
            try {
                return CompletableFuture.completedFuture(localOnly(envelope, events.direct(envelope)));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return pipeline.submitRelay(sender, envelope.recipients(), where -> route(where, envelope.frame()))
                .handle((reply, failure) -> {
                    if (failure == null) {
                        return relayedReport(envelope, reply);
                    }
                    Throwable error = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                            ? wrapped.getCause() : failure;
                    if (error instanceof RejectedExecutionException) {
                        throw new CompletionException(overloaded()); // not queued (or the lane stopped): delivered nowhere
                    }
                    if (error instanceof JedisException e) {
                        state.failedUnlessBug(e);
                        return localOnly(envelope, events.direct(envelope));
                    }
                    throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(error);
                });
    }

    /**
     * The publications of a transient message: one per node holding recipients, carrying only its own. On a
     * Redis Cluster one per node and recipients' slot, on the member channel a stored message to them takes
     * ({@link RedisKeys#memberChannel(String, int)}), so the two kinds arrive on one shard, in one order.
     */
    private List<ScriptPipeline.Publication> route(Map<String, Map<String, Integer>> where, String frame) {
        Map<String, List<String>> recipientsByChannel = new LinkedHashMap<>();
        Map<String, String> nodeOfChannel = new LinkedHashMap<>();
        where.forEach((user, nodes) -> nodes.keySet().forEach(node -> {
            String channel = redis.sharded() ? RedisKeys.memberChannel(node, RedisSlots.of(RedisKeys.inbox(user)))
                    : RedisKeys.memberChannel(node);
            nodeOfChannel.put(channel, node);
            recipientsByChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(user);
        }));
        List<ScriptPipeline.Publication> publications = new ArrayList<>(recipientsByChannel.size());
        recipientsByChannel.forEach((channel, users) -> publications.add(new ScriptPipeline.Publication(channel,
                RelayCodec.encode(member.id(), RelayCodec.Kind.USERS, users, frame), nodeOfChannel.get(channel), users)));
        return publications;
    }

    /**
     * Who got a transient message: the recipients whose node's subscriber took its publication; recipients
     * online on a node that missed it are undelivered.
     */
    private DeliveryReport relayedReport(Envelope envelope, ScriptPipeline.RelayReply reply) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> reachable = new LinkedHashSet<>();
        boolean failed = false;
        for (int i = 0; i < reply.publications().size(); i++) {
            ScriptPipeline.Publication publication = reply.publications().get(i);
            long receivers = reply.receivers()[i];
            failed |= receivers < 0;
            seen.addAll(publication.users());
            if (receivers > 0) {
                traffic.published();
                for (String user : publication.users()) {
                    counts.merge(user, reply.where().get(user).get(publication.member()), Integer::sum);
                    reachable.add(user);
                }
            }
        }
        if (!failed) {
            state.commandSucceeded();
        }
        seen.removeAll(reachable); // online, but their node missed the relay
        return DeliveryReport.classify(envelope.messageId(), envelope.recipients(), counts, seen, List.of(), false);
    }

    /**
     * One {@link io.switchboard.redis.store.InboxScripts#STORE} call: id, inboxes and the per-node
     * {@code PUBLISH}es in one atomic step, so every node's subscriber gets each user's messages in inbox order
     * (this node's connections too, through its own channel). Refused with 503 while Redis is unreachable:
     * nothing is stored then.
     * The call goes through the {@link ScriptPipeline} (the sender's lane, so a sender's messages keep
     * their order); the report is made on the lane thread when Redis answers.
     */
    @Override
    public CompletionStage<DeliveryReport> publishStored(StoredDirect message) {
        if (!state.isUp()) {
            return CompletableFuture.failedFuture(RelayState.relayUnavailable());
        }
        Map<Integer, List<String>> bySlot = new LinkedHashMap<>(); // one script per slot on a Redis Cluster
        if (redis.sharded()) {
            for (String user : message.recipients()) {
                bySlot.computeIfAbsent(RedisSlots.of(RedisKeys.inbox(user)), slot -> new ArrayList<>()).add(user);
            }
        } else {
            bySlot.put(RedisSlots.UNSHARDED, message.recipients());
        }
        List<CompletableFuture<RedisInbox.StoreReply>> calls = new ArrayList<>(bySlot.size());
        bySlot.forEach((slot, recipients) -> calls.add(inbox.store(message, recipients, slot)));
        CompletableFuture<List<RedisInbox.StoreReply>> replies = calls.size() == 1 ? calls.get(0).thenApply(List::of)
                : CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                        .thenApply(all -> calls.stream().map(CompletableFuture::join).toList());
        CompletableFuture<DeliveryReport> report = new CompletableFuture<>();
        replies.whenComplete((reply, failure) -> {
                    Throwable error = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                            ? wrapped.getCause() : failure;
                    if (error instanceof RejectedExecutionException) {
                        report.completeExceptionally(overloaded()); // not queued: surely not stored
                    } else if (error instanceof NotReplicatedException e) {
                        report.completeExceptionally(notReplicated(e));
                    } else if (error instanceof JedisException e) {
                        report.completeExceptionally(state.failure(e, RelayState::relayUnavailable));
                    } else if (error != null) {
                        report.completeExceptionally(error);
                    } else {
                        traffic.published();
                        state.commandSucceeded();
                        try {
                            report.complete(storedReport(message, reply));
                        } catch (RuntimeException e) {
                            report.completeExceptionally(e);
                        }
                    }
                });
        return report;
    }

    /**
     * The report of a store's replies (one per slot on a Redis Cluster, else one): a duplicate when every one
     * is, refused when any is a conflict, else who got the message live. The report's id is the first reply's:
     * on a Redis Cluster each slot numbers its own streams, so recipients in other slots may have got the
     * message under a different id. A slot whose part was stored before (a retry after part of a message
     * failed) counts its recipients offline.
     */
    private static DeliveryReport storedReport(StoredDirect message, List<RedisInbox.StoreReply> replies) {
        RedisInbox.StoreReply first = replies.get(0);
        if (replies.size() == 1 && first.outcome() == RedisInbox.StoreOutcome.STORED) { // one Redis: the usual case
            return DeliveryReport.classify(first.messageId(), message.recipients(), first.delivered(), first.undelivered(),
                    first.unknown(), false);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> undelivered = new LinkedHashSet<>();
        Set<String> unknown = new LinkedHashSet<>();
        boolean allDuplicates = true;
        for (RedisInbox.StoreReply reply : replies) {
            switch (reply.outcome()) {
                case CONFLICT -> throw new ProtocolException(ErrorCode.IDEMPOTENCY_CONFLICT,
                        "This Idempotency-Key was used with a different request (message " + reply.messageId() + ")");
                case DUPLICATE -> {
                }
                case STORED -> {
                    allDuplicates = false;
                    counts.putAll(reply.delivered());
                    undelivered.addAll(reply.undelivered());
                    unknown.addAll(reply.unknown());
                }
            }
        }
        return allDuplicates ? DeliveryReport.duplicateOf(first.messageId())
                : DeliveryReport.classify(first.messageId(), message.recipients(), counts, undelivered, unknown, false);
    }

    @Override
    public FanOutReport publishBroadcast(Envelope envelope) {
        int local = events.everyone(envelope);
        if (!state.isUp() || publish(RedisKeys.BROADCAST_CHANNEL, RelayCodec.Kind.EVERYONE, List.of(), envelope.frame()) < 0) {
            return new FanOutReport(envelope.messageId(), local, true);
        }
        return new FanOutReport(envelope.messageId(), local + presence.remoteConnections(), false);
    }

    @Override
    public FanOutReport publishRoom(RoomEnvelope envelope) {
        int local = events.room(envelope);
        if (!state.isUp()) {
            return new FanOutReport(envelope.messageId(), local, true);
        }
        String excluded = envelope.excludedConnection() == null ? "" : envelope.excludedConnection();
        try {
            long[] reached = rooms.publish(envelope.room(), RelayCodec.encode(member.id(), RelayCodec.Kind.ROOM,
                    List.of(envelope.room(), excluded), envelope.frame()));
            traffic.published();
            state.commandSucceeded();
            return new FanOutReport(envelope.messageId(), local + (int) reached[0], false);
        } catch (JedisException e) {
            state.failedUnlessBug(e);
            return new FanOutReport(envelope.messageId(), local, true);
        }
    }

    /**
     * One {@link io.switchboard.redis.store.InboxScripts#ROOM_STORE} call: id, history, and a {@code PUBLISH} to
     * each node with members, this one included (so every node delivers a room's messages in id order). While Redis is
     * down the message is neither stored nor relayed: this node's members get it, with a plain id.
     */
    @Override
    public FanOutReport publishRoomStored(String room, FrameTemplate template, String excludedConnection) {
        if (state.isUp()) {
            try {
                long start = System.nanoTime();
                RedisInbox.RoomStoreReply reply = inbox.storeRoom(room, template, excludedConnection);
                traffic.redisRoundTrip(System.nanoTime() - start);
                traffic.published();
                state.commandSucceeded();
                int reached = reply.reached();
                return new FanOutReport(reply.messageId(), Math.max(0, reached - (excludedConnection == null ? 0 : 1)), false);
            } catch (NotReplicatedException e) {
                throw notReplicated(e); // stored and relayed, so not delivered here once more
            } catch (JedisException e) {
                state.failedUnlessBug(e);
            }
        }
        String id = UUID.randomUUID().toString();
        int local = events.room(new RoomEnvelope(id, room, excludedConnection, template.render(id)));
        return new FanOutReport(id, local, true);
    }

    @Override
    public void kick(String room, String user) {
        if (!state.isUp()) {
            throw RelayState.relayUnavailable();
        }
        try {
            rooms.publish(room, RelayCodec.encode(member.id(), RelayCodec.Kind.KICK, List.of(room, user), ""));
            state.commandSucceeded();
        } catch (JedisException e) {
            throw state.failure(e, RelayState::relayUnavailable);
        }
    }

    /** One {@code PUBLISH} per other node run that holds connections of the user, found by presence. */
    @Override
    public int disconnectElsewhere(String user, int closeCode) {
        Map<String, Integer> byNode = state.require(() -> presence.lookup(List.of(user)).get(user));
        int reached = 0;
        for (Map.Entry<String, Integer> node : byNode.entrySet()) {
            if (!node.getKey().equals(member.id()) && publish(RedisKeys.memberChannel(node.getKey()),
                    RelayCodec.Kind.DISCONNECT, List.of(user, Integer.toString(closeCode)), "") > 0) {
                reached += node.getValue();
            }
        }
        return reached;
    }

    /** Subscribers that received the payload, or -1 if Redis failed. */
    private long publish(String channel, RelayCodec.Kind kind, List<String> recipients, String frame) {
        try {
            long start = System.nanoTime();
            long receivers = redis.publish(channel, RelayCodec.encode(member.id(), kind, recipients, frame));
            traffic.redisRoundTrip(System.nanoTime() - start);
            traffic.published();
            state.commandSucceeded();
            return receivers;
        } catch (JedisException e) {
            state.commandFailed(e);
            return -1;
        }
    }

    /** Relay down: this node's connections only ({@code local}); a message that reached nobody is refused. */
    private DeliveryReport localOnly(Envelope envelope, Map<String, Integer> local) {
        DeliveryReport report = DeliveryReport.classify(envelope.messageId(), envelope.recipients(),
                local, Set.copyOf(envelope.recipients()), List.of(), true);
        if (report.delivered().isEmpty()) {
            throw RelayState.relayUnavailable();
        }
        return report;
    }

    private ProtocolException overloaded() {
        return ProtocolException.retryAfter(ErrorCode.OVERLOADED,
                "This node has more messages waiting for Redis than it queues; retry shortly", OVERLOAD_RETRY_MILLIS);
    }

    /**
     * The master has the message (and may have relayed it) but too few replicas confirmed it: not acknowledged,
     * since a failover now could lose it. A retry with the same idempotency key is answered as a duplicate.
     */
    private static ProtocolException notReplicated(NotReplicatedException cause) {
        return new ProtocolException(ErrorCode.NOT_REPLICATED, "Stored on the Redis master, but " + cause.getMessage()
                + "; not acknowledged: retry (with the same Idempotency-Key to avoid a second copy)");
    }
}
