package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.Replay;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
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
 * <p>The plan and the first page are read once the connection is on this node's registry and, in a
 * cluster, in the same Redis step that makes it visible gateway-wide: a message stored after that read has a
 * later id and arrives live, one stored before it is in the replay, never in neither. The connection holds
 * back live deliveries of its inbox from before it is registered until the replay ends
 * ({@link Connection#beginReplay}/{@link Connection#endReplay}), and its inbox watermark drops any copy it
 * already has. A replay that cannot finish closes the connection with 1012, so that the client resumes from
 * its last processed id instead of moving on past a gap. Nothing waits on the socket thread: the read is
 * queued ({@link Inbox#open}), the first page comes with it, and the replay paces itself by the send queue,
 * page by page, on the managed executor ({@link StreamReplay}), so a long backlog neither overflows the queue
 * nor holds a thread. What was replayed is recorded as seen only once the socket has taken it (on the managed
 * executor: the writer must not wait for Redis).
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
     * Decides where the replay starts, from what {@link Inbox#open} read. {@code recovered} is false when the
     * requested point is older than what retention kept (the client must reload its state): retention removed
     * a message after it, or it is older than the retention age (then its messages may have expired with the
     * whole inbox). The replay then starts at the oldest message kept.
     */
    Plan plan(InboxOpening opening) {
        if (opening.requested().isEmpty()) {
            return new Plan(opening.seen().orElse(MessageId.ZERO), true);
        }
        MessageId from = opening.requested().get();
        boolean recovered = Retention.recovered(from, opening.trimmed(), config.inbox().maxAge(), clock.millis());
        return new Plan(recovered ? from : max(from, opening.trimmed()), recovered);
    }

    /** Renders the first frame a connection gets, from its replay plan (null: stored messages unavailable). */
    @FunctionalInterface
    public interface Welcome {
        String frame(Plan plan);
    }

    /**
     * Opens a connection's inbox. On the caller's thread: holds back every frame and the inbox's live
     * deliveries, runs {@code register} (this node's registry: what is relayed here reaches the connection,
     * held), and asks the inbox for the replay's start and first page ({@link Inbox#open}; in a cluster one
     * Redis step, queued, that also writes the connection's presence). When that answers (in a cluster on a
     * Redis lane thread; nothing below blocks): runs {@code announce} (presence, gateway-wide) unless the
     * inbox's step did, sends the welcome ahead of what queued meanwhile, then replays. In this order a
     * message stored after the read finds the connection visible, so the replay or live delivery has it, and
     * a client that has its welcome is reachable (live traffic, presence). When the store cannot be read the
     * welcome gets a null plan and the connection starts with live traffic; when it is too busy to take the
     * read, the connection is closed with 1013 so that the client comes back after a backoff.
     */
    public void open(Connection connection, Optional<MessageId> since, Welcome welcome, Runnable register,
            Runnable announce) {
        Replay holding = connection.beginReplay(StreamKey.INBOX, MessageId.ZERO);
        connection.holdUntilFirstFrame();
        register.run();
        inbox.open(connection, since, BATCH).whenComplete((read, failure) -> {
            try {
                if (failure != null) {
                    startUnread(connection, holding, welcome, announce, failure);
                } else {
                    start(connection, read, welcome, announce);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not start " + connection + "; closing it so that it resumes", e);
                connection.close(CloseCodes.SERVICE_RESTART, "could not start; resume");
            }
        });
    }

    private void start(Connection connection, InboxOpening read, Welcome welcome, Runnable announce) {
        Plan plan = plan(read);
        Replay replay = connection.beginReplay(StreamKey.INBOX, plan.after()); // takes over what was held
        try {
            if (!read.announced()) {
                announce.run();
            }
        } finally {
            connection.sendFirst(welcome.frame(plan));
        }
        replay(connection, replay, plan, read.firstPage());
    }

    private void startUnread(Connection connection, Replay holding, Welcome welcome, Runnable announce,
            Throwable failure) {
        connection.endReplay(holding);
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RejectedExecutionException) {
            LOG.log(Level.FINE, "Too busy to read the stored messages of {0}; closing it so that it comes back later",
                    connection);
            connection.close(CloseCodes.TRY_AGAIN_LATER, "overloaded; reconnect later");
            return;
        }
        LOG.log(Level.FINE, cause,
                () -> "Cannot read stored messages for " + connection + "; it starts with live traffic");
        try {
            announce.run();
        } finally {
            connection.sendFirst(welcome.frame(null));
        }
    }

    /**
     * Sends every stored message after the plan's point (whose live deliveries are held back since
     * {@link #open}), starting with the page already read, then lets live deliveries through
     * ({@link StreamReplay}: paced by the send queue, later pages read on the executor). What was sent is
     * recorded as seen once the socket has taken it.
     */
    private void replay(Connection connection, Replay replay, Plan plan, List<StoredMessage> firstPage) {
        Executor background = executor();
        new StreamReplay(connection, replay, plan.after(), (after, limit) -> inbox.read(connection.user(), after, limit),
                BATCH, background, "stored messages",
                replayed -> connection.afterQueuedWritten(() -> {
                    try {
                        background.execute(() -> recordSeen(connection, replayed)); // never Redis on the writer thread
                    } catch (RejectedExecutionException shuttingDown) {
                        LOG.log(Level.FINE, "Not recording what {0} was sent: shutting down", connection);
                    }
                })).start(firstPage);
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
