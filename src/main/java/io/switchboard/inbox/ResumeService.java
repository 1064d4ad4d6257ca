package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
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
 * resumes from its last processed id instead of moving on past a gap. Runs on the connection's
 * WebSocket thread during open; reads Redis in batches and paces itself by the send queue (frames and
 * bytes), so a long backlog never overflows it. What was replayed is recorded as seen only once the
 * socket has taken it (on the managed executor: the writer must not wait for Redis).
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

    public ResumeService() {
    }

    ResumeService(Inbox inbox, SwitchboardConfig config, Executor executor) {
        this.inbox = inbox;
        this.config = config;
        this.executor = executor;
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
        long oldestKept = System.currentTimeMillis() - config.inboxMaxAge().toMillis();
        boolean recovered = !trimmed.isAfter(from) && (from.equals(MessageId.ZERO) || from.millis() >= oldestKept);
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
        try {
            plan = plan(connection.user(), connection.device(), since);
            connection.beginReplay(StreamKey.INBOX, plan.after());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Cannot read stored messages for " + connection + "; it starts with live traffic");
        }
        connection.holdUntilFirstFrame();
        try {
            makeVisible.run();
        } finally {
            connection.sendFirst(welcome.frame(plan));
        }
        if (plan != null) {
            replay(connection, plan);
        }
    }

    /**
     * Sends every stored message after the plan's point (whose live deliveries are held back since
     * {@link #open}), then lets live deliveries through. If the store
     * fails part-way the connection is closed with 1012 (resume from the last processed id).
     */
    void replay(Connection connection, Plan plan) {
        MessageId last = plan.after();
        try {
            while (connection.isOpen()) {
                List<StoredMessage> page = inbox.read(connection.user(), last, BATCH);
                for (StoredMessage message : page) {
                    connection.awaitSendRoom(config.sendTimeout());
                    if (!connection.sendReplayed(StreamKey.INBOX, message.id(), message.frame())) {
                        return; // closed (slow consumer, client left): nothing more to send or record
                    }
                    last = message.id();
                }
                if (page.size() < BATCH) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Replay of stored messages to " + connection + " stopped at " + last
                    + "; closing it so that the client resumes: " + e);
            connection.closeAfterQueued(CloseCodes.SERVICE_RESTART, "stored messages unavailable; resume");
            return;
        }
        connection.endReplay(StreamKey.INBOX);
        if (last.isAfter(plan.after())) {
            MessageId replayed = last;
            Executor recorder = executor != null ? executor : managedExecutor;
            connection.afterQueuedWritten(() -> {
                try {
                    recorder.execute(() -> recordSeen(connection, replayed)); // never Redis on the writer thread
                } catch (RejectedExecutionException shuttingDown) {
                    LOG.log(Level.FINE, "Not recording what {0} was sent: shutting down", connection);
                }
            });
        }
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
