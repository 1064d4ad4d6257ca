package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Frames;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Member-count updates for rooms too big for per-user presence events (more members than
 * {@code switchboard.rooms.presence-events.max-members}): however many users join or leave, each member
 * gets at most one {@code {"type":"presence","room":…,"members":N}} per room per
 * {@code switchboard.rooms.presence-counts.interval-ms} from each node where users joined or left. So
 * building a room of n members costs about n frames per interval, not n²/2, and handshakes are not
 * starved while a big audience arrives.
 *
 * <p>Threads: {@link #changed} on any thread (never blocks: it only marks the room); the flush runs on
 * the managed scheduler and reads each marked room's exact count gateway-wide (Redis in a cluster) just
 * before publishing it, so the last update a member gets is the count after the last change.
 */
@ApplicationScoped
public class RoomCounts {
    private static final Logger LOG = Logger.getLogger(RoomCounts.class.getName());

    @Inject
    Broker broker;

    @Inject
    PresenceManager presence;

    @Inject
    SwitchboardConfig config;

    @Resource
    ManagedScheduledExecutorService managedScheduler;

    /** Runs a task after a delay in ms: {@link #managedScheduler}, or the test's own. */
    interface Later {
        void run(Runnable task, long delayMillis);
    }

    private Later later;

    private final Set<String> changedRooms = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    public RoomCounts() {
    }

    RoomCounts(Broker broker, PresenceManager presence, SwitchboardConfig config, Later later) {
        this.broker = broker;
        this.presence = presence;
        this.config = config;
        this.later = later;
    }

    /** The room's member count changed: its members get the new count within the interval. */
    void changed(String room) {
        long interval = config.rooms().presenceCountsIntervalMs();
        if (interval == 0) {
            return;
        }
        changedRooms.add(room);
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                if (later != null) {
                    later.run(this::flush, interval);
                } else {
                    managedScheduler.schedule(this::flush, interval, TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException shuttingDown) {
                flushScheduled.set(false);
            }
        }
    }

    void flush() {
        flushScheduled.set(false); // a change from now on schedules the next flush
        for (String room : List.copyOf(changedRooms)) {
            changedRooms.remove(room);
            try {
                int members = presence.room(room, 0).members();
                broker.publishRoom(new RoomEnvelope(null, room, null, Frames.memberCount(room, members)));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "No member-count update for room " + room + " this time");
            }
        }
    }
}
