package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.Replay;
import io.switchboard.connection.StreamKey;
import io.switchboard.inbox.Inbox;
import io.switchboard.inbox.Retention;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.inbox.StreamReplay;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Frames;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.PresenceEvent;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.registry.RoomRegistry;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rooms: join, leave, publish, kick, for clients and backends alike, on one node or many. Membership
 * lives in this node's {@link RoomRegistry} and, gateway-wide, behind the {@link PresenceManager}; presence events
 * ({@code join} for a user's first connection in a room, {@code leave} for its last) go to the room's
 * other members through the broker like any room message.
 *
 * <p>Threads: joins and leaves run on WebSocket threads, closes on the managed executor, kicks on request
 * threads or the Redis subscriber. Per room, each change of membership, its gateway-wide record and its
 * announcement happen under one lock (striped by room name), so a node announces a room's changes in
 * the order they happened and reconciliation never races a join. Publishing takes no lock. Never called
 * while holding a lock of another room, so locks cannot deadlock.
 */
@ApplicationScoped
public class RoomService {
    private static final Logger LOG = Logger.getLogger(RoomService.class.getName());
    private static final int LOCK_STRIPES = 256;
    /** Reason of the {@code left} notice a kicked connection gets. */
    public static final String KICKED = "kicked";

    @Inject
    RoomRegistry registry;

    @Inject
    Broker broker;

    @Inject
    PresenceManager presence;

    @Inject
    SwitchboardConfig config;

    @Inject
    Inbox inbox;

    @Inject
    RoomCounts counts;

    @Resource
    ManagedExecutorService managedExecutor;

    /** Where history replays go on: the managed executor, or the one a unit test gave. */
    private Executor executor;

    private final Object[] locks = new Object[LOCK_STRIPES];
    private final Clock clock;

    public RoomService() {
        this(Clock.systemUTC());
    }

    RoomService(RoomRegistry registry, Broker broker, PresenceManager presence, SwitchboardConfig config, Inbox inbox,
            RoomCounts counts, Clock clock, Executor executor) {
        this(clock);
        this.executor = executor;
        this.registry = registry;
        this.broker = broker;
        this.presence = presence;
        this.config = config;
        this.inbox = inbox;
        this.counts = counts;
    }

    private RoomService(Clock clock) {
        this.clock = clock;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Adds the connection to the room gateway-wide, announces the user if this is its first connection
     * there, and returns the room as the joiner should see it. Joining a room twice is harmless.
     */
    public RoomSnapshot join(Connection connection, String room) {
        synchronized (lock(room)) {
            RoomRegistry.Joined joined = registry.join(connection, room, config.rooms().maxPerConnection());
            switch (joined.outcome()) {
                case ROOM_LIMIT_REACHED -> throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS,
                        "This connection is already in " + config.rooms().maxPerConnection() + " rooms, the limit");
                case CLOSED -> throw new ProtocolException(ErrorCode.NOT_MEMBER, "The connection is closing");
                case ALREADY_MEMBER -> {
                    return presence.room(room, config.rooms().maxListedUsers());
                }
                case JOINED -> {
                    RoomChange change;
                    try {
                        change = presence.joined(connection, room, RoomChange.of(joined.change()));
                    } catch (RuntimeException e) {
                        registry.leave(connection, room); // not recorded gateway-wide: not joined at all
                        throw e;
                    }
                    if (change.announce()) {
                        announce(room, PresenceEvent.JOIN, connection.user(), change.members(), connection.id());
                    }
                }
            }
        }
        return presence.room(room, config.rooms().maxListedUsers());
    }

    /** Removes the connection from the room and announces the user's leave if it was its last connection there. */
    public void leave(Connection connection, String room) {
        if (!leaveQuietly(connection, room)) {
            throw new ProtocolException(ErrorCode.NOT_MEMBER, "This connection is not in room '" + room + "'");
        }
    }

    /** Whether the connection is in a room on this node (a closed one: whether it still has rooms to leave). */
    public boolean isInAnyRoom(Connection connection) {
        return registry.isInAnyRoom(connection);
    }

    /** A connection closed: it leaves every room it was in. Runs on the managed executor. */
    public void connectionClosed(Connection connection) {
        for (String room : registry.roomsOf(connection)) {
            try {
                leaveQuietly(connection, room);
            } catch (RuntimeException e) {
                // the gateway-wide record is reconciled when the relay is back or the node is reaped
                LOG.log(Level.FINE, e, () -> "Could not record that " + connection + " left " + room);
            }
        }
    }

    /**
     * Publishes a room message, stored in the room's history first; {@code sender} (may be null for
     * backends) is skipped when {@code echo} is off.
     */
    public FanOutReport publish(String from, String room, JsonValue content, Connection sender, boolean echo) {
        String excluded = sender != null && !echo ? sender.id() : null;
        return broker.publishRoomStored(room, Frames.roomMessageTemplate(room, from, content, clock.millis()), excluded);
    }

    /** Room messages after {@code since} (or the newest ones), at most {@code limit}, and whether none were lost. */
    public record History(List<String> frames, boolean recovered) {
    }

    /** The stored messages of a room: after {@code since} when given, else the newest; at most the history size. */
    public History history(String room, Optional<MessageId> since, int limit) {
        int count = Math.min(limit, config.rooms().historyMaxEntries());
        if (since.isEmpty()) {
            return new History(inbox.latestOfRoom(room, count).stream().map(StoredMessage::frame).toList(), true);
        }
        return new History(inbox.readRoom(room, since.get(), count).stream().map(StoredMessage::frame).toList(),
                historyRecovered(room, since.get()));
    }

    /**
     * Joins and, with {@code since}, holds back the room's live traffic to this connection until
     * {@link #replayHistory} has sent what the client missed: call {@code replayHistory} after sending the
     * reply (it ends the hold-back). Only this room's stream is held; the inbox and other rooms flow on.
     * The snapshot's {@code recovered} is null without {@code since}.
     */
    public JoinedRoom join(Connection connection, String room, Optional<MessageId> since) {
        if (since.isEmpty()) {
            return new JoinedRoom(join(connection, room), null, null, null);
        }
        Replay replay = connection.beginReplay(StreamKey.room(room), since.get());
        try {
            RoomSnapshot snapshot = join(connection, room);
            return new JoinedRoom(snapshot, historyRecovered(room, since.get()), since.get(), replay);
        } catch (RuntimeException e) {
            connection.endReplay(replay);
            throw e;
        }
    }

    /**
     * A join's result: the room as the joiner sees it; {@code recovered} for a join with {@code since} (else
     * null), and then the point and the replay that {@link #replayHistory} goes on with.
     */
    public record JoinedRoom(RoomSnapshot snapshot, Boolean recovered, MessageId since, Replay replay) {
    }

    /**
     * Sends the room's stored messages after a join's {@code since}, page by page (paced by the send queue,
     * pages after the first on the managed executor: {@link StreamReplay}), then its live traffic again.
     * Nothing for a join without {@code since}.
     */
    public void replayHistory(Connection connection, JoinedRoom joined) {
        if (joined.replay() == null) {
            return;
        }
        String room = joined.snapshot().room();
        new StreamReplay(connection, joined.replay(), joined.since(), (after, limit) -> inbox.readRoom(room, after, limit),
                config.rooms().historyMaxEntries(), executor(), "room history of " + room, last -> { }).start();
    }

    private Executor executor() {
        return executor != null ? executor : managedExecutor;
    }

    /** False when retention removed messages after {@code since}, or it is older than the history's age. */
    private boolean historyRecovered(String room, MessageId since) {
        return Retention.recovered(since, inbox.roomTrimmedUpTo(room), config.rooms().historyMaxAge(), clock.millis());
    }

    /** Removes every connection of the user from the room, on every node; false if the user was not in it. */
    public boolean kick(String room, String user) {
        boolean member = presence.inRoom(room, user);
        int here = kickHere(room, user);
        if (member || here > 0) {
            broker.kick(room, user);
        }
        return member || here > 0;
    }

    /** This node's part of a kick: each of the user's connections here leaves and is told why. */
    public int kickHere(String room, String user) {
        int kicked = 0;
        for (Connection connection : registry.connectionsOf(room, user)) {
            if (leaveQuietly(connection, room)) {
                connection.send(Frames.left(null, room, KICKED));
                kicked++;
            }
        }
        return kicked;
    }

    /** Makes the gateway-wide record of one room match this node's members; answers what that changed. */
    @FunctionalInterface
    public interface Reconciler {
        /** {@code memberships}: this node's connections in the room, connection id → user. */
        List<PresenceChange> reconcile(String room, Map<String, String> memberships);
    }

    /**
     * Makes the gateway-wide record of every room this node has (or had) members in match this node, and
     * announces what that changed. Called (by the Redis adapter, through {@code reconciler}) when the relay
     * comes back or this node finds it was presumed dead; a single node has nothing to reconcile with.
     */
    public void reconcile(List<String> roomsRecordedForThisNode, Reconciler reconciler) {
        Set<String> rooms = new LinkedHashSet<>(roomsRecordedForThisNode);
        rooms.addAll(registry.rooms());
        for (String room : rooms) {
            synchronized (lock(room)) {
                for (PresenceChange change : reconciler.reconcile(room, registry.memberships(room))) {
                    announce(room, change.event(), change.user(), change.members(), null);
                }
            }
        }
    }

    /** Announces presence changes some other node's death caused (found by the reaper). */
    public void announceAll(List<PresenceChange> changes) {
        for (PresenceChange change : changes) {
            synchronized (lock(change.room())) {
                announce(change.room(), change.event(), change.user(), change.members(), null);
            }
        }
    }

    public RoomSnapshot room(String room) {
        return presence.room(room, config.rooms().maxListedUsers());
    }

    public RoomPage rooms(String after, int limit) {
        return presence.rooms(after, limit);
    }

    /** Leaves one room; false if the connection was not in it. */
    private boolean leaveQuietly(Connection connection, String room) {
        synchronized (lock(room)) {
            RoomRegistry.Change local = registry.leave(connection, room);
            if (local == null) {
                return false;
            }
            connection.forget(StreamKey.room(room));
            RoomChange change = presence.left(connection, room, RoomChange.of(local));
            if (change.announce()) {
                announce(room, PresenceEvent.LEAVE, connection.user(), change.members(), null);
            }
            return true;
        }
    }

    /**
     * Tells the room's other members; in rooms above {@code switchboard.rooms.presence-events.max-members}
     * only the count, coalesced by {@link RoomCounts}.
     */
    private void announce(String room, PresenceEvent event, String user, int members, String excludedConnection) {
        if (members > config.rooms().presenceEventsMaxMembers() || config.rooms().presenceEventsMaxMembers() == 0) {
            counts.changed(room);
            return;
        }
        broker.publishRoom(new RoomEnvelope(null, room, excludedConnection, Frames.presence(room, event, user, members)));
    }

    private Object lock(String room) {
        return locks[(room.hashCode() & 0x7fffffff) % LOCK_STRIPES];
    }

}
