package io.switchboard.inbox;

import io.switchboard.connection.Connection;
import io.switchboard.connection.Replay;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one stream's stored messages after a point (a user's inbox on connect, a room's history on a join
 * with {@code since}) to a connection, page by page, then ends the stream's hold-back. Never waits: it
 * sends while the connection's send queue is under half full; when it is not, it goes on (on the
 * executor) once the writer has written what is queued, woken by the outbox rather than polling. Its first
 * step runs on the thread that starts it (with one page read there, usually all there is, or given to it
 * already read); any later page is read on the executor. If a page cannot be read the connection is
 * closed with 1012, so that the client resumes from its last processed id instead of moving on past a gap.
 *
 * <p>Threads: one step at a time (each step hands the next to the writer's callback or the executor, which
 * orders them), so its fields need no lock; the connection's delivery lock orders its sends with live ones.
 */
public final class StreamReplay {
    private static final Logger LOG = Logger.getLogger(StreamReplay.class.getName());

    /** Reads up to {@code limit} stored messages of the stream after {@code after}, in id order. */
    @FunctionalInterface
    public interface Pages {
        List<StoredMessage> after(MessageId after, int limit);
    }

    private final Connection connection;
    private final Replay replay;
    private final Pages pages;
    private final int pageSize;
    private final Executor executor;
    private final String what;
    private final Consumer<MessageId> finished;
    private final MessageId start;
    private MessageId last;
    private List<StoredMessage> page = List.of();
    private int next;
    private boolean lastPage;
    /** Whether this step's thread may read the store (false on a thread that must not block, until handed off). */
    private boolean mayRead = true;

    /**
     * A replay of {@code replay}'s stream after {@code after}; {@code what} names it in logs and the close
     * reason; {@code finished} runs (on the thread of the last step) after the hold-back ended, with the
     * newest id sent, only if anything was sent.
     */
    public StreamReplay(Connection connection, Replay replay, MessageId after, Pages pages, int pageSize,
            Executor executor, String what, Consumer<MessageId> finished) {
        this.connection = connection;
        this.replay = replay;
        this.pages = pages;
        this.pageSize = pageSize;
        this.executor = executor;
        this.what = what;
        this.finished = finished;
        this.start = after;
        this.last = after;
    }

    /** Runs the first step here, reading the first page here too; the rest follows on the executor. */
    public void start() {
        step();
    }

    /**
     * Runs the first step here with {@code firstPage}, already read (up to the page size, after the start
     * point), on a thread that must not block: any further page is read on the executor.
     */
    public void start(List<StoredMessage> firstPage) {
        page = firstPage;
        lastPage = firstPage.size() < pageSize;
        mayRead = false;
        step();
    }

    private void step() {
        try {
            while (connection.isOpen()) {
                if (next == page.size()) {
                    if (lastPage) {
                        finish();
                        return;
                    }
                    if (!mayRead) {
                        resume(); // the next page is read on the executor
                        return;
                    }
                    page = pages.after(last, pageSize);
                    next = 0;
                    lastPage = page.size() < pageSize;
                    continue;
                }
                if (!connection.hasSendRoom()) {
                    connection.afterQueuedWritten(this::resume); // the writer calls back once the queue is written
                    return;
                }
                StoredMessage message = page.get(next++);
                if (!connection.sendReplayed(replay, message.id(), message.frame())) {
                    return; // closed, or the client left the room: nothing more to send
                }
                last = message.id();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Replay of " + what + " to " + connection + " stopped at " + last
                    + "; closing it so that the client resumes: " + e);
            connection.closeAfterQueued(CloseCodes.SERVICE_RESTART, what + " unavailable; resume");
        }
    }

    /** On the writer thread, or one that must not block: the next step goes to the executor (it may read the store). */
    private void resume() {
        mayRead = true;
        try {
            executor.execute(this::step);
        } catch (RejectedExecutionException shuttingDown) {
            connection.closeAfterQueued(CloseCodes.SERVICE_RESTART, "shutting down; resume");
        }
    }

    private void finish() {
        connection.endReplay(replay);
        if (last.isAfter(start)) {
            finished.accept(last);
        }
    }
}
