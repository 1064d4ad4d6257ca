package io.switchboard.connection;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import io.switchboard.security.Identity;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open WebSocket connection on this node: who it belongs to, its heartbeat clock, its bounded
 * outbound queue ({@link Outbox}), and the gate its stored deliveries pass ({@link DeliveryGate}: no
 * stored message is sent on it twice or out of order, replays hold live copies back). Thread-safe: any
 * thread may send to it or close it; closing happens once.
 */
public final class Connection {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    /** Told once when a connection closes, with the close code, so the registry can forget it. */
    @FunctionalInterface
    public interface CloseListener {
        void closed(Connection connection, int code);
    }

    private final String id;
    private final String device;
    /** Replaced by an in-band {@code auth} (same user); read by any thread. */
    private volatile Identity identity;
    /** Whether the client was told its token expired (once per token). */
    private final AtomicBoolean expiryNoticeSent = new AtomicBoolean();
    private final FrameSink sink;
    private final Executor writer;
    private final Outbox outbox;
    private final CloseListener closeListener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SendQueueLimits limits;
    private final FrameBatching batching;
    /** Every stored delivery (live, held back during a replay, replayed) passes it: exactly once, in id order. */
    private final DeliveryGate gate;
    private volatile long lastSeenNanos;
    private volatile long lastPingNanos;

    /** A connection whose sends run on the calling thread (for tests and sinks that never block). */
    public Connection(String id, Identity identity, FrameSink sink, SendQueueLimits limits,
            CloseListener closeListener, long nowNanos) {
        this(id, identity, sink, Runnable::run, limits, closeListener, nowNanos);
    }

    /** A connection whose sends (and pings) run on {@code writer}; its device is its id. */
    public Connection(String id, Identity identity, FrameSink sink, Executor writer, SendQueueLimits limits,
            CloseListener closeListener, long nowNanos) {
        this(id, id, identity, sink, writer, limits, closeListener, nowNanos);
    }

    /** A connection whose client named its device (acks are recorded per user and device); no joined frames. */
    public Connection(String id, String device, Identity identity, FrameSink sink, Executor writer, SendQueueLimits limits,
            CloseListener closeListener, long nowNanos) {
        this(id, device, identity, sink, writer, limits, FrameBatching.OFF, closeListener, nowNanos);
    }

    /** A connection whose writer joins queued frames as {@code batching} allows (a client that opted in). */
    public Connection(String id, String device, Identity identity, FrameSink sink, Executor writer, SendQueueLimits limits,
            FrameBatching batching, CloseListener closeListener, long nowNanos) {
        this.id = id;
        this.device = device;
        this.limits = limits;
        this.identity = identity;
        this.sink = sink;
        this.writer = writer;
        this.closeListener = closeListener;
        this.batching = batching;
        this.outbox = new Outbox(sink, writer, limits.maxFrames(), limits.maxBytes(), this::sendFailed, batching);
        this.gate = new DeliveryGate(limits, this);
        this.lastSeenNanos = nowNanos;
        this.lastPingNanos = nowNanos;
    }

    public String id() {
        return id;
    }

    public String user() {
        return identity.user();
    }

    /** The device the client named at connect ({@code device} query parameter), else the connection id. */
    public String device() {
        return device;
    }

    public Identity identity() {
        return identity;
    }

    /** Whether this client opted in to batched frames: it may send several commands in one frame. */
    public boolean batches() {
        return batching.optedIn();
    }

    /**
     * Switches the connection to a newer token of the same user (its groups and room claims apply from now
     * on). Runs on the connection's WebSocket thread.
     */
    public void reauthenticate(Identity fresh) {
        if (!fresh.user().equals(identity.user())) {
            throw new IllegalArgumentException("a token of another user");
        }
        identity = fresh;
        expiryNoticeSent.set(false);
    }

    /** True exactly once per token: whether to tell the client now that its token expired. */
    public boolean claimExpiryNotice() {
        return expiryNoticeSent.compareAndSet(false, true);
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Holds back every frame queued from now on until {@link #sendFirst}: lets the connection become
     * visible (registered, in presence) before its first frame goes out. Call before anything is sent, and
     * make sure {@link #sendFirst} follows (in a {@code finally}): until then nothing reaches the client.
     */
    public void holdUntilFirstFrame() {
        outbox.hold();
    }

    /** Sends {@code frame} ahead of everything queued since {@link #holdUntilFirstFrame}, then the rest. */
    public void sendFirst(String frame) {
        if (!closed.get()) {
            outbox.releaseWith(frame);
        }
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

    /**
     * Delivers a frame of {@code stream} (fan-out path; {@code stream} null for frames of no stream, such
     * as broadcasts). {@code storedId} is the message's id in the stream, or null for frames that are not
     * stored (presence events). A stored message at or below the stream's watermark was already sent and
     * is dropped; one arriving while the stream is replayed is held back until the replay ends, so the
     * client sees each stream once and in id order. True if the connection has the frame (queued, held,
     * or already sent).
     */
    public boolean deliver(StreamKey stream, MessageId storedId, String frame) {
        if (stream == null) {
            return send(frame);
        }
        return gate.deliver(stream, storedId, frame);
    }

    /**
     * Starts holding back live deliveries of {@code stream}: a replay of its stored messages after
     * {@code after} follows. Live copies at or below {@code after} are dropped from now on (the client has
     * them). For a new connection, call before it is visible. A replay of the stream still running is
     * superseded (what it held is carried over; it stops at its next send).
     */
    public Replay beginReplay(StreamKey stream, MessageId after) {
        return gate.beginReplay(stream, after);
    }

    /**
     * Sends one replayed stored message unless the connection already has it. Returns false if the connection
     * is closed or the replay is no longer current (the replay should stop).
     */
    public boolean sendReplayed(Replay replay, MessageId id, String frame) {
        return gate.sendReplayed(replay, id, frame) && isOpen();
    }

    /**
     * Ends a replay: sends its held-back deliveries in arrival order, dropping stored ones the replay already
     * sent, then lets the stream's deliveries through again. Nothing if the replay is no longer current.
     */
    public void endReplay(Replay replay) {
        gate.endReplay(replay);
    }

    /** Forgets a stream the connection no longer receives (it left the room), with any replay of it and what that held. */
    public void forget(StreamKey stream) {
        gate.forget(stream);
    }

    /** The newest stored id of {@code stream} queued to this connection, if any. */
    public Optional<MessageId> watermark(StreamKey stream) {
        return gate.watermark(stream);
    }

    /** How many stored deliveries were dropped as already sent. */
    public long duplicatesDropped() {
        return gate.duplicatesDropped();
    }

    /**
     * Whether the send queue is less than half full, by frames and by bytes: a replay of stored messages sends
     * only while it is, and otherwise goes on once the queue was written ({@link #afterQueuedWritten}), so a
     * long backlog never overflows the queue and no thread waits for it.
     */
    public boolean hasSendRoom() {
        return outbox.queuedFrames() < Math.max(1, limits.maxFrames() / 2) && outbox.queuedBytes() < limits.maxBytes() / 2;
    }

    /**
     * Runs {@code then} on the writer once every frame queued so far has been written to the socket; never
     * if the connection closes first (its queue is then dropped). Must not block.
     */
    public void afterQueuedWritten(Runnable then) {
        if (!closed.get()) {
            outbox.afterQueued(then);
        }
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
     * Queues a protocol ping behind the data already queued (sent on the writer: a write can block) and
     * records the attempt. Its pong arrives only once the client has read everything before it.
     */
    public void ping(long nowNanos) {
        lastPingNanos = nowNanos;
        if (!closed.get()) {
            outbox.offerPing();
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

    /** Bytes (UTF-16 size) queued and not yet written. */
    public long queuedBytes() {
        return outbox.queuedBytes();
    }

    /** Closes with a close frame; later sends are refused. Idempotent: only the first call has effect. */
    public void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            outbox.close();
            closeListener.closed(this, code);
            sink.close(code, reason);
        }
    }

    /**
     * Closes after every frame already queued has been sent (graceful shutdown): new sends are refused at
     * once; the close frame follows the data. Falls back to the heartbeat's send timeout if the client
     * does not read. True for the call that started closing, false when it was already closed or closing.
     */
    public boolean closeAfterQueued(int code, String reason) {
        return !closed.get() && outbox.finish(() -> close(code, reason));
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
