package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.MessageId;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives a connecting client the stored messages it has not seen, then live traffic, with no gap and no
 * reordering. Where to start: the {@code since} id the client sent; else its device's last ack; else
 * the newest message any connection of the user was sent (so a new device gets what arrived while the
 * user was offline); else everything retained.
 *
 * <p>The plan is made before the connection becomes visible (registry, presence): a message stored
 * after that read has a later id and is in the replay's read or arrives live, never in neither. The
 * connection holds back live deliveries of its inbox from before it becomes visible until the replay
 * ends ({@link Connection#beginReplay}/{@link Connection#endReplay}), and its inbox watermark drops any
 * copy it already has. A replay that cannot finish closes the connection with 1012, so that the client
 * resumes from its last processed id instead of moving on past a gap. The plan and the first page are read
 * on the connection's WebSocket thread during open; the replay never waits there: it paces itself by the
 * send queue and goes on, page by page, on the managed executor ({@link StreamReplay}), so a long backlog
 * neither overflows the queue nor holds the socket thread. What was replayed is recorded as seen only once
 * the socket has taken it (on the managed executor: the writer must not wait for Redis).
 */
@ApplicationScoped
public class ResumeService {
    private static final Logger LOG = Logger.getLogger(ResumeService.class.getName());
    private static final int BATCH = 100;

    @Inject
    Inbox inbox;

    @Inject
    SwitchboardConfig config;

    @Resource
    ManagedExecutorService managedExecutor;

    /** Where seen ids are recorded: the managed executor, or the one a unit test gave. */
    private Executor executor;

    private final Clock clock;

    public ResumeService() {
        this.clock = Clock.systemUTC();
    }

    ResumeService(Inbox inbox, SwitchboardConfig config, Executor executor, Clock clock) {
        this.inbox = inbox;
        this.config = config;
        this.executor = executor;
        this.clock = clock;
    }

    /** Where a connection's replay starts, and whether everything after that point is still stored. */
    public record Plan(MessageId after, boolean recovered) {
    }

    /**
     * Decides where the replay starts. {@code recovered} is false when the requested point is older than
     * what retention kept (the client must reload its state): retention removed a message after it, or it
     * is older than the retention age (then its messages may have expired with the whole inbox). The
     * replay then starts at the oldest message kept.
     */
    public Plan plan(String user, String device, Optional<MessageId> since) {
        Optional<MessageId> requested = since.or(() -> inbox.cursor(user, device));
        if (requested.isEmpty()) {
            return new Plan(inbox.seen(user).orElse(MessageId.ZERO), true);
        }
        MessageId from = requested.get();
        MessageId trimmed = inbox.trimmedUpTo(user);
        boolean recovered = Retention.recovered(from, trimmed, config.inbox().maxAge(), clock.millis());
        return new Plan(recovered ? from : max(from, trimmed), recovered);
    }

    /** Renders the first frame a connection gets, from its replay plan (null: stored messages unavailable). */
    @FunctionalInterface
    public interface Welcome {
        String frame(Plan plan);
    }

    /**
     * Opens a connection's inbox: plans the replay and holds back live inbox deliveries, runs
     * {@code makeVisible} (registry, presence) while every frame is held, sends the welcome ahead of what
     * queued meanwhile, then replays. In this order a message stored while the connection becomes visible
     * is after the plan's point, so the replay or live delivery has it; and a client that has its welcome
     * is reachable (live traffic, presence). When the store cannot be read the welcome gets a null plan and
     * the connection starts with live traffic.
     */
    public void open(Connection connection, Optional<MessageId> since, Welcome welcome, Runnable makeVisible) {
        Plan plan = null;
        Connection.Replay replay = null;
        try {
            plan = plan(connection.user(), connection.device(), since);
            replay = connection.beginReplay(StreamKey.INBOX, plan.after());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Cannot read stored messages for " + connection + "; it starts with live traffic");
        }
        connection.holdUntilFirstFrame();
        try {
            makeVisible.run();
        } finally {
            connection.sendFirst(welcome.frame(plan));
        }
        if (replay != null) {
            replay(connection, replay, plan);
        }
    }

    /**
     * Sends every stored message after the plan's point (whose live deliveries are held back since
     * {@link #open}), then lets live deliveries through ({@link StreamReplay}: paced by the send queue, pages
     * after the first read on the executor). What was sent is recorded as seen once the socket has taken it.
     */
    private void replay(Connection connection, Connection.Replay replay, Plan plan) {
        Executor background = executor();
        new StreamReplay(connection, replay, plan.after(), (after, limit) -> inbox.read(connection.user(), after, limit),
                BATCH, background, "stored messages",
                replayed -> connection.afterQueuedWritten(() -> {
                    try {
                        background.execute(() -> recordSeen(connection, replayed)); // never Redis on the writer thread
                    } catch (RejectedExecutionException shuttingDown) {
                        LOG.log(Level.FINE, "Not recording what {0} was sent: shutting down", connection);
                    }
                })).start();
    }

    private Executor executor() {
        return executor != null ? executor : managedExecutor;
    }

    private void recordSeen(Connection connection, MessageId id) {
        try {
            inbox.markSeen(connection.user(), id);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not record what " + connection + " was sent", e);
        }
    }

    private static MessageId max(MessageId a, MessageId b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
