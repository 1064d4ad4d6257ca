package io.switchboard.redis.presence;

import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.routing.RoomService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the rooms in Redis true to the connections: this node's memberships reconciled when Redis may have lost
 * or half-recorded them (the node rejoined, or a room change failed), and the memberships of dead members
 * (node runs whose liveness expired) reaped, announcing the users they took out of rooms.
 *
 * <p>Threads: {@link #maintain} on the node's timer thread, at most one run at a time (a slow one makes the
 * next ticks skip); {@link #leaveAll} once, on shutdown. Both block on Redis at most the command timeout.
 */
@ApplicationScoped
public class RoomUpkeep {
    private static final Logger LOG = Logger.getLogger(RoomUpkeep.class.getName());

    @Inject
    RedisRooms rooms;

    @Inject
    RoomService roomService;

    @Inject
    RelayState state;

    @Inject
    NodeLiveness liveness;

    @Inject
    ClusterMember member;

    private final AtomicBoolean maintaining = new AtomicBoolean();

    /**
     * Timer thread, each tick (skipped while the relay is down or a previous run is still at it): reconciles this
     * node's rooms if needed, then reaps dead members. A failure is retried at the next tick.
     */
    public void maintain() {
        if (!state.isUp() || !maintaining.compareAndSet(false, true)) {
            return;
        }
        try {
            if (liveness.rejoinedSinceLastAsked() | state.claimRoomReconciling()) {
                try {
                    roomService.reconcile(rooms.roomsOfThisMember(),
                            (room, memberships) -> state.require(() -> rooms.reconcile(room, memberships)));
                } catch (RuntimeException e) {
                    state.roomChangeUnrecorded(); // until it succeeds
                    throw e;
                }
            }
            long now = System.currentTimeMillis();
            for (String dead : rooms.expiredMembers(now)) {
                if (!dead.equals(member.id())) {
                    roomService.announceAll(rooms.reap(dead, now, false));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Room maintenance failed; retried next tick", e);
        } finally {
            maintaining.set(false);
        }
    }

    /** On shutdown: this run leaves every room at once (announced), instead of being reaped after its liveness TTL. */
    public void leaveAll() {
        try {
            roomService.announceAll(rooms.reap(member.id(), System.currentTimeMillis(), true));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not leave rooms cleanly; other nodes reap this run after its liveness TTL", e);
        }
    }
}
