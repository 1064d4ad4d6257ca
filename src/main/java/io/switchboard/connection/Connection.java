package io.switchboard.connection;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.security.Identity;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open WebSocket connection on this node: who it belongs to, its heartbeat clock and its bounded
 * outbound queue. Thread-safe: any thread may send to it or close it; closing happens once.
 */
public final class Connection {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    /** Told once when a connection closes, with the close code, so the registry can forget it. */
    @FunctionalInterface
    public interface CloseListener {
        void closed(Connection connection, int code);
    }

    private final String id;
    private final Identity identity;
    private final FrameSink sink;
    private final Executor writer;
    private final Outbox outbox;
    private final CloseListener closeListener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastSeenNanos;
    private volatile long lastPingNanos;

    /** A connection whose sends run on the calling thread (for tests and sinks that never block). */
    public Connection(String id, Identity identity, FrameSink sink, SendQueueLimits limits,
            CloseListener closeListener, long nowNanos) {
        this(id, identity, sink, Runnable::run, limits, closeListener, nowNanos);
    }

    /** A connection whose sends (and pings) run on {@code writer}. */
    public Connection(String id, Identity identity, FrameSink sink, Executor writer, SendQueueLimits limits,
            CloseListener closeListener, long nowNanos) {
        this.id = id;
        this.identity = identity;
        this.sink = sink;
        this.writer = writer;
        this.closeListener = closeListener;
        this.outbox = new Outbox(sink, writer, limits.maxFrames(), limits.maxBytes(), this::sendFailed);
        this.lastSeenNanos = nowNanos;
        this.lastPingNanos = nowNanos;
    }

    public String id() {
        return id;
    }

    public String user() {
        return identity.user();
    }

    public Identity identity() {
        return identity;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Queues an encoded frame. Returns false if the connection is closed, or if its queue is full, in
     * which case the connection is cut as a slow consumer. Never blocks.
     */
    public boolean send(String frame) {
        if (closed.get()) {
            return false;
        }
        Outbox.Offer offer = outbox.offer(frame);
        if (offer == Outbox.Offer.FULL) {
            close(CloseCodes.SLOW_CONSUMER, "slow consumer: send queue full");
        }
        return offer == Outbox.Offer.QUEUED;
    }

    /** Records that the client showed it is alive (any frame or pong). */
    public void touch(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    public long lastPingNanos() {
        return lastPingNanos;
    }

    /**
     * Sends a protocol ping (on the writer: a write can block) unless data is queued, since the ping
     * would wait behind it; records the attempt.
     */
    public void ping(long nowNanos) {
        lastPingNanos = nowNanos;
        if (!closed.get() && outbox.idle()) {
            writer.execute(sink::sendPing);
        }
    }

    /** How long the send in flight has been going, or 0 if none is. */
    public long sendStalledNanos(long nowNanos) {
        long since = outbox.sendingSinceNanos();
        return since == 0 ? 0 : nowNanos - since;
    }

    public int queuedFrames() {
        return outbox.queuedFrames();
    }

    /** Closes with a close frame; later sends are refused. Idempotent: only the first call has effect. */
    public void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            outbox.close();
            closeListener.closed(this, code);
            sink.close(code, reason);
        }
    }

    /** The socket closed by itself (client close, network error): forget it without sending anything. */
    public void closedByPeer(int code) {
        if (closed.compareAndSet(false, true)) {
            outbox.close();
            closeListener.closed(this, code);
        }
    }

    private void sendFailed(Throwable failure) {
        LOG.log(Level.INFO, "Send to {0} failed ({1}); closing it", new Object[] {this, String.valueOf(failure)});
        LOG.log(Level.FINE, "Send failure", failure);
        close(CloseCodes.GOING_AWAY, "send failed");
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", user=" + identity.user() + "]";
    }
}
