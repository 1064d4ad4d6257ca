package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.routing.ClusterBroker;
import io.switchboard.routing.DeliveryReport;
import io.switchboard.routing.Envelope;
import io.switchboard.routing.FanOutReport;
import io.switchboard.routing.LocalDelivery;
import io.switchboard.routing.RoomChange;
import io.switchboard.routing.RoomEnvelope;
import io.switchboard.routing.RoomPage;
import io.switchboard.routing.RoomSnapshot;
import io.switchboard.routing.UserPresence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The cluster broker. A direct message is routed by presence: one pipelined lookup finds the live
 * nodes holding each recipient, this node's connections get it directly, and each other node gets one
 * {@code PUBLISH} ({@code SPUBLISH} on a Redis Cluster) on its own channel carrying only its recipients, so nodes never see (or decode)
 * messages for users they do not hold. {@code PUBLISH} answers how many subscribers received it; a node
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
@Typed({RedisBroker.class, ClusterBroker.class})
public class RedisBroker implements ClusterBroker {

    @Inject
    RedisClient redis;

    @Inject
    RedisPresence presence;

    @Inject
    RelayState state;

    @Inject
    LocalDelivery localDelivery;

    @Inject
    ClusterMember member;

    @Inject
    RedisRooms rooms;

    @Inject
    SwitchboardConfig config;

    @Inject
    TrafficCounters traffic;

    @Inject
    ScriptPipeline pipeline;

    /** What an {@code overloaded} refusal suggests waiting: about the time a full lane takes to drain. */
    private static final long OVERLOAD_RETRY_MILLIS = 100;

    @Override
    public DeliveryReport publishDirect(Envelope envelope) {
        if (!state.isUp()) {
            return localOnly(envelope);
        }
        Map<String, Map<String, Integer>> where;
        try {
            where = presence.lookup(envelope.recipients());
        } catch (JedisException e) {
            state.failedUnlessBug(e);
            return localOnly(envelope);
        }
        Map<String, Integer> counts = new LinkedHashMap<>(localDelivery.deliver(envelope));
        Set<String> reachable = new LinkedHashSet<>();
        counts.forEach((user, count) -> {
            if (count > 0) {
                reachable.add(user);
            }
        });
        Map<String, List<String>> recipientsByNode = new LinkedHashMap<>();
        where.forEach((user, nodes) -> nodes.keySet().stream()
                .filter(node -> !node.equals(member.id()))
                .forEach(node -> recipientsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(user)));
        Set<String> seenRemotely = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> target : recipientsByNode.entrySet()) {
            String node = target.getKey();
            seenRemotely.addAll(target.getValue());
            if (publish(RedisKeys.memberChannel(node), RelayCodec.Kind.USERS, target.getValue(), envelope.frame()) > 0) {
                for (String user : target.getValue()) {
                    counts.merge(user, where.get(user).get(node), Integer::sum);
                    reachable.add(user);
                }
            }
        }
        Map<String, Integer> delivered = new LinkedHashMap<>();
        List<String> offline = new ArrayList<>();
        List<String> undelivered = new ArrayList<>();
        for (String user : envelope.recipients()) {
            int count = counts.getOrDefault(user, 0);
            if (count > 0) {
                delivered.put(user, count);
            } else if (seenRemotely.contains(user) && !reachable.contains(user)) {
                undelivered.add(user);
            } else {
                offline.add(user);
            }
        }
        return new DeliveryReport(envelope.messageId(), delivered, offline, undelivered, false);
    }

    /**
     * One {@link InboxScripts#STORE} call: id, inboxes and the per-node {@code PUBLISH}es in one atomic
     * step, so every node's subscriber gets each user's messages in inbox order (this node's connections
     * too, through its own channel). Refused with 503 while Redis is unreachable: nothing is stored then.
     * The call goes through the {@link ScriptPipeline} (the sender's lane, so a sender's messages keep
     * their order); the report is made on the lane thread when Redis answers.
     */
    @Override
    public CompletionStage<DeliveryReport> publishStored(StoredDirect message) {
        if (!state.isUp()) {
            return CompletableFuture.failedFuture(unavailable());
        }
        Map<Integer, List<String>> bySlot = new LinkedHashMap<>(); // one script per slot on a Redis Cluster
        if (redis.sharded()) {
            for (String user : message.recipients()) {
                bySlot.computeIfAbsent(RedisSlots.of(RedisKeys.inbox(user)), slot -> new ArrayList<>()).add(user);
            }
        } else {
            bySlot.put(RedisSlots.UNSHARDED, message.recipients());
        }
        List<CompletableFuture<Object>> calls = new ArrayList<>(bySlot.size());
        bySlot.forEach((slot, recipients) -> calls.add(pipeline.submit(message.sender(), InboxScripts.STORE,
                InboxScripts.storeKeys(slot), InboxScripts.storeArguments(config.inboxMaxEntries(),
                        config.inboxMaxAge().toMillis(),
                        message.idempotency() == null ? "" : message.idempotency().scopedKey(),
                        config.idempotencyWindow().toMillis(), message.frame().prefix(), message.frame().suffix(),
                        RelayCodec.originHeader(member.id()),
                        message.idempotency() == null ? "" : message.idempotency().requestDigest(),
                        message.knownRecipientsOnly(), recipients, slot))));
        CompletableFuture<List<Object>> replies = calls.size() == 1 ? calls.get(0).thenApply(List::of)
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
                        report.completeExceptionally(state.failure(e, RedisBroker::unavailable));
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
     * Reads {@link InboxScripts#STORE}'s replies (one per slot on a Redis Cluster, else one): {@code dup} when
     * every one is, {@code conflict} when any is, else who got the message live. The report's id is the first
     * reply's: on a Redis Cluster each slot numbers its own streams, so recipients in other slots may have
     * got the message under a different id.
     */
    private static DeliveryReport storedReport(StoredDirect message, List<?> replies) {
        String id = (String) ((List<?>) replies.get(0)).get(1);
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> undelivered = new LinkedHashSet<>();
        Set<String> unknown = new LinkedHashSet<>();
        boolean allDuplicates = true;
        for (Object each : replies) {
            List<?> reply = (List<?>) each;
            if ("conflict".equals(reply.get(0))) {
                throw new ProtocolException(ErrorCode.IDEMPOTENCY_CONFLICT,
                        "This Idempotency-Key was used with a different request (message " + reply.get(1) + ")");
            }
            if ("dup".equals(reply.get(0))) {
                continue; // stored before (a retry after part of a message failed): counts as offline below
            }
            allDuplicates = false;
            List<?> flat = (List<?>) reply.get(2);
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                counts.put((String) flat.get(i), ((Number) flat.get(i + 1)).intValue());
            }
            ((List<?>) reply.get(3)).forEach(user -> undelivered.add((String) user));
            ((List<?>) reply.get(4)).forEach(user -> unknown.add((String) user));
        }
        if (allDuplicates) {
            return DeliveryReport.duplicateOf(id);
        }
        Map<String, Integer> delivered = new LinkedHashMap<>();
        List<String> offline = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (String user : message.recipients()) {
            if (unknown.contains(user)) {
                continue;
            }
            if (counts.containsKey(user)) {
                delivered.put(user, counts.get(user));
            } else if (undelivered.contains(user)) {
                missed.add(user);
            } else {
                offline.add(user);
            }
        }
        return new DeliveryReport(id, delivered, offline, missed, List.copyOf(unknown), false, false);
    }

    @Override
    public FanOutReport publishBroadcast(Envelope envelope) {
        int local = localDelivery.deliver(envelope).getOrDefault(LocalDelivery.EVERYONE, 0);
        if (!state.isUp() || publish(RedisKeys.BROADCAST_CHANNEL, RelayCodec.Kind.EVERYONE, List.of(), envelope.frame()) < 0) {
            return new FanOutReport(envelope.messageId(), local, true);
        }
        return new FanOutReport(envelope.messageId(), local + presence.remoteConnections(), false);
    }

    @Override
    public UserPresence presence(String user) {
        Map<String, Integer> byNode = query(() -> presence.lookup(List.of(user)).get(user));
        return new UserPresence(user, byNode.values().stream().mapToInt(Integer::intValue).sum(),
                byNode.keySet().stream().map(ClusterMember::nodeOf).distinct().toList());
    }

    /**
     * With stored messages on, the presence entry is written before this returns: the connection's replay
     * reads the inbox next, and every message stored after that entry exists is routed to it live.
     */
    @Override
    public void connectionOpened(Connection connection) {
        if (config.inboxEnabled() && state.isUp()) {
            presence.openedNow(connection);
        } else {
            presence.opened(connection);
        }
    }

    @Override
    public void connectionClosed(Connection connection) {
        presence.closed(connection);
    }

    // Rooms. Membership changes and queries need Redis: a join is refused (503) while it is down, since
    // nobody else could see it; a leave is applied here at once and reconciled when the relay is back.

    @Override
    public RoomChange joined(Connection connection, String room, RoomRegistry.Change local) {
        if (!state.isUp()) {
            throw unavailable();
        }
        try {
            RoomChange change = rooms.join(connection.id(), connection.user(), room);
            state.commandSucceeded();
            return change;
        } catch (JedisException e) {
            state.roomChangeUnrecorded(); // a timed-out join may still have been recorded: a ghost to remove
            throw state.failure(e, RedisBroker::unavailable);
        }
    }

    @Override
    public RoomChange left(Connection connection, String room, RoomRegistry.Change local) {
        if (!state.isUp()) {
            state.roomChangeUnrecorded();
            return RoomChange.SILENT;
        }
        try {
            RoomChange change = rooms.leave(connection.id(), room);
            state.commandSucceeded();
            return change;
        } catch (JedisException e) {
            state.commandFailed(e);
            state.roomChangeUnrecorded();
            return RoomChange.SILENT;
        }
    }

    @Override
    public FanOutReport publishRoom(RoomEnvelope envelope) {
        int local = localDelivery.deliver(envelope);
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
     * One {@link InboxScripts#ROOM_STORE} call: id, history, and a {@code PUBLISH} to each node with
     * members, this one included (so every node delivers a room's messages in id order). While Redis is
     * down the message is neither stored nor relayed: this node's members get it, with a plain id.
     */
    @Override
    public FanOutReport publishRoomStored(String room, io.switchboard.protocol.FrameTemplate template, String excludedConnection) {
        if (state.isUp()) {
            try {
                long start = System.nanoTime();
                int slot = redis.slotOf(RedisKeys.roomHistory(room));
                List<?> reply = (List<?>) redis.runReplicated(InboxScripts.ROOM_STORE, InboxScripts.roomStoreKeys(room, slot),
                        InboxScripts.roomStoreArguments(config.roomHistoryMaxEntries(), config.roomHistoryMaxAge().toMillis(),
                                template.prefix(), template.suffix(), RelayCodec.originHeader(member.id()), room,
                                excludedConnection == null ? "" : excludedConnection, slot));
                traffic.redisRoundTrip(System.nanoTime() - start);
                traffic.published();
                state.commandSucceeded();
                int reached = ((Number) reply.get(1)).intValue();
                return new FanOutReport((String) reply.get(0), Math.max(0, reached - (excludedConnection == null ? 0 : 1)), false);
            } catch (NotReplicatedException e) {
                throw notReplicated(e); // stored and relayed, so not delivered here once more
            } catch (JedisException e) {
                state.failedUnlessBug(e);
            }
        }
        String id = java.util.UUID.randomUUID().toString();
        String frame = template.prefix() + id + template.suffix();
        return new FanOutReport(id, localDelivery.deliver(new RoomEnvelope(id, room, excludedConnection, frame)), true);
    }

    @Override
    public void kick(String room, String user) {
        if (!state.isUp()) {
            throw unavailable();
        }
        try {
            rooms.publish(room, RelayCodec.encode(member.id(), RelayCodec.Kind.KICK, List.of(room, user), ""));
            state.commandSucceeded();
        } catch (JedisException e) {
            throw state.failure(e, RedisBroker::unavailable);
        }
    }

    /** One {@code PUBLISH} per other node run that holds connections of the user, found by presence. */
    @Override
    public int disconnectElsewhere(String user, int closeCode) {
        Map<String, Integer> byNode = query(() -> presence.lookup(List.of(user)).get(user));
        int reached = 0;
        for (Map.Entry<String, Integer> node : byNode.entrySet()) {
            if (!node.getKey().equals(member.id()) && publish(RedisKeys.memberChannel(node.getKey()),
                    RelayCodec.Kind.DISCONNECT, List.of(user, Integer.toString(closeCode)), "") > 0) {
                reached += node.getValue();
            }
        }
        return reached;
    }

    @Override
    public boolean inRoom(String room, String user) {
        return query(() -> rooms.inRoom(room, user));
    }

    @Override
    public RoomSnapshot room(String room, int maxUsers) {
        return query(() -> rooms.room(room, maxUsers));
    }

    @Override
    public RoomPage rooms(String after, int limit) {
        return query(() -> rooms.rooms(after, limit));
    }

    @Override
    public List<PresenceChange> reconcile(String room, Map<String, String> memberships) {
        return query(() -> rooms.reconcile(room, memberships));
    }

    /** A read (or reconciliation) that needs Redis: 503 while the relay is down. */
    private <T> T query(Supplier<T> read) {
        return state.require(read, RedisBroker::unavailable);
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

    /** Relay down: this node's connections only; a message that reached nobody is refused. */
    private DeliveryReport localOnly(Envelope envelope) {
        Map<String, Integer> counts = localDelivery.deliver(envelope);
        Map<String, Integer> delivered = new LinkedHashMap<>();
        List<String> undelivered = new ArrayList<>();
        for (String user : envelope.recipients()) {
            int count = counts.getOrDefault(user, 0);
            if (count > 0) {
                delivered.put(user, count);
            } else {
                undelivered.add(user);
            }
        }
        if (delivered.isEmpty()) {
            throw unavailable();
        }
        return new DeliveryReport(envelope.messageId(), delivered, List.of(), undelivered, true);
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

    private static ProtocolException unavailable() {
        return new ProtocolException(ErrorCode.RELAY_UNAVAILABLE,
                "The cluster relay (Redis) is unreachable and this needs it; retry later");
    }
}
