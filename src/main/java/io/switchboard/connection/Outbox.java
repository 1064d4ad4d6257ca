package io.switchboard.connection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A connection's bounded outbound queue with at most one asynchronous send in flight, which keeps frame
 * order and stops a slow reader from growing memory without bound.
 *
 * <p>Threads: {@link #offer} is called from any thread (a sender's WebSocket thread, an HTTP request
 * thread, a timer) and never blocks: a full queue makes it answer {@code FULL} and the caller cuts the
 * connection. The sends themselves run on the {@code writer} executor, because a container "async" send
 * can still block its thread (Tyrus on Payara writes in blocking mode until it first finds the socket
 * busy); a send stuck longer than the send timeout is found by the heartbeat sweep via
 * {@link #sendingSinceNanos} and the connection is cut.
 *
 * <p>With {@link FrameBatching} on (a client that opted in), the writer sends the text frames queued
 * behind the one it takes as one joined frame, within the batch caps; pings, markers and the finishing
 * close are never joined (they end a batch). A frame offered while nothing is queued never waits for
 * company unless the batching delay says so.
 */
final class Outbox {
    private final FrameSink sink;
    private final Executor writer;
    private final int maxFrames;
    private final long maxBytes;
    private final Consumer<Throwable> onSendFailure;
    private final FrameBatching batching;
    /** Runs the writer's next step after the batching delay; null when batching never waits. */
    private final Executor afterDelay;
    /** Whether the frame at the queue's head already waited the batching delay (the sending thread's only). */
    private boolean waited;

    private final ConcurrentLinkedDeque<Object> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger queuedFrames = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** The queue entry standing for a ping (compared by identity, never sent as text). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String PING = new String("ping");
    private final AtomicBoolean pingQueued = new AtomicBoolean();
    /** The queue entry after which {@link #finishing} runs (compared by identity). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String FINISH = new String("finish");
    /** Set by {@link #finish}: later offers are refused, this runs once the queue ahead of it is sent. */
    private volatile Runnable finishing;
    /** True while one send is in flight; its owner starts the next one. */
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile boolean closed;
    /** When the send now in flight started (System.nanoTime), or 0 when none is. */
    private volatile long sendingSince;

    Outbox(FrameSink sink, Executor writer, int maxFrames, long maxBytes, Consumer<Throwable> onSendFailure) {
        this(sink, writer, maxFrames, maxBytes, onSendFailure, FrameBatching.OFF);
    }

    Outbox(FrameSink sink, Executor writer, int maxFrames, long maxBytes, Consumer<Throwable> onSendFailure,
            FrameBatching batching) {
        this.sink = sink;
        this.writer = writer;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.onSendFailure = onSendFailure;
        this.batching = batching;
        this.afterDelay = batching.joins() && batching.delayMillis() > 0
                ? CompletableFuture.delayedExecutor(batching.delayMillis(), TimeUnit.MILLISECONDS, writer) : null;
    }

    /** What became of an offered frame. */
    enum Offer { QUEUED, FULL, CLOSED }

    /**
     * Queues a frame for sending; queues nothing when the outbox is closed or the frame would take it
     * past its frame or byte limit. A frame's size is counted as its UTF-16 length times two, a bound on
     * its memory rather than its wire size.
     */
    Offer offer(String frame) {
        if (closed || finishing != null) {
            return Offer.CLOSED;
        }
        long size = (long) frame.length() * 2;
        int frames = queuedFrames.incrementAndGet();
        long bytes = queuedBytes.addAndGet(size);
        if (frames > maxFrames || bytes > maxBytes) {
            queuedFrames.decrementAndGet();
            queuedBytes.addAndGet(-size);
            return Offer.FULL;
        }
        queue.add(frame);
        if (sending.compareAndSet(false, true)) {
            writer.execute(this::sendNext);
        }
        return Offer.QUEUED;
    }

    /**
     * Queues a protocol ping behind whatever data is queued, unless one is already waiting. Pings are
     * not counted against the limits. A ping sent only after the data ahead of it proves, by its pong,
     * that the client read that data too; a client that stopped reading never gets it and is reaped.
     */
    void offerPing() {
        if (closed || !pingQueued.compareAndSet(false, true)) {
            return;
        }
        queue.add(PING);
        if (sending.compareAndSet(false, true)) {
            writer.execute(this::sendNext);
        }
    }

    /**
     * Holds back every frame offered from now on until {@link #releaseWith}: a connection can become
     * visible (deliveries queue up) before its first frame is known, and that frame still goes first.
     * Call before anything is offered. Holding is owning the send flag, so no send starts meanwhile.
     */
    void hold() {
        if (!sending.compareAndSet(false, true)) {
            throw new IllegalStateException("hold() after frames were offered");
        }
    }

    /** Queues {@code first} ahead of everything held since {@link #hold}, counted like any frame, and starts sending. */
    void releaseWith(String first) {
        if (closed) {
            return; // nothing is sent any more; the flag stays held
        }
        queuedFrames.incrementAndGet();
        queuedBytes.addAndGet((long) first.length() * 2);
        queue.addFirst(first);
        writer.execute(this::sendNext);
    }

    int queuedFrames() {
        return queuedFrames.get();
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /**
     * Runs {@code then} on the writer once everything queued before it has been sent; never if the outbox
     * closes first. Not counted against the limits.
     */
    void afterQueued(Runnable then) {
        if (closed) {
            return;
        }
        queue.add(new Marker(then));
        if (sending.compareAndSet(false, true)) {
            writer.execute(this::sendNext);
        }
    }

    /** Start of the send in flight (System.nanoTime), 0 if none: the sweep cuts sends stuck too long. */
    long sendingSinceNanos() {
        return sendingSince;
    }

    /**
     * Refuses later offers and runs {@code then} on the writer once everything queued before it has been
     * sent (at once if nothing is queued), e.g. to close the connection without dropping data. False if
     * the outbox was already closed or finishing (then {@code then} never runs).
     */
    synchronized boolean finish(Runnable then) {
        if (closed || finishing != null) {
            return false;
        }
        finishing = then;
        queue.add(FINISH);
        if (sending.compareAndSet(false, true)) {
            writer.execute(this::sendNext);
        }
        return true;
    }

    /** Drops whatever is queued; later offers are refused. */
    void close() {
        closed = true;
        queue.clear();
    }

    /** Runs (on the writer) while this thread owns {@code sending}; loops instead of recursing when sends complete inline. */
    private void sendNext() {
        while (true) {
            Object entry = closed ? null : queue.poll();
            if (entry == null) {
                sendingSince = 0;
                sending.set(false);
                // An offer may have queued a frame after our poll but before we released the flag.
                if (closed || queue.isEmpty() || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (entry instanceof Marker marker) {
                marker.then().run();
                continue;
            }
            String frame = (String) entry;
            if (frame == FINISH) {
                finishing.run();
                continue;
            }
            if (frame == PING) {
                pingQueued.set(false);
                sink.sendPing(); // a control frame; the container sends it at once or fails it quietly
                continue;
            }
            if (afterDelay != null && !waited && queuedFrames.get() < batching.maxFrames()) {
                waited = true; // wait once for company, still owning the send flag; the frame goes back to the head
                queue.addFirst(frame);
                afterDelay.execute(this::sendNext);
                return;
            }
            waited = false;
            String text = frame;
            int frames = 1;
            long accounted = (long) frame.length() * 2;
            if (batching.joins()) {
                StringBuilder joined = null;
                long bytes = utf8Length(frame);
                while (frames < batching.maxFrames() && queue.peek() instanceof String next && next != PING && next != FINISH) {
                    long nextBytes = utf8Length(next);
                    if (bytes + 1 + nextBytes > batching.maxBytes()) {
                        break;
                    }
                    queue.poll(); // only the sending thread takes from the queue: still the frame it peeked
                    if (joined == null) {
                        joined = new StringBuilder((frame.length() + next.length() + 1) * 2).append(frame);
                    }
                    joined.append('\n').append(next);
                    bytes += 1 + nextBytes;
                    frames++;
                    accounted += (long) next.length() * 2;
                }
                if (joined != null) {
                    text = joined.toString();
                }
            }
            int sentFrames = frames;
            long sentBytes = accounted;
            InlineCompletion inline = new InlineCompletion();
            sendingSince = System.nanoTime();
            sink.sendText(text, failure -> {
                queuedFrames.addAndGet(-sentFrames);
                queuedBytes.addAndGet(-sentBytes);
                if (failure != null) {
                    closed = true;
                    queue.clear();
                    sendingSince = 0;
                    sending.set(false);
                    onSendFailure.accept(failure);
                    return;
                }
                if (!inline.completedInline()) {
                    sendNext(); // completed later, on the container's thread: continue from there
                }
            });
            if (!inline.callerReturned()) {
                return; // still in flight: its completion continues the loop
            }
        }
    }

    /** The UTF-8 size of a frame, without encoding it. */
    static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 ? 1 : Character.isHighSurrogate(c) ? 0 : 2; // a surrogate pair: 4 bytes for 2 chars
            }
        }
        return bytes;
    }

    /** A queue entry that runs code instead of sending: see {@link #afterQueued}. */
    private record Marker(Runnable then) {
    }

    /** Tells whether a send's completion ran inside the send call (then the caller loops) or later. */
    private static final class InlineCompletion {
        private static final int PENDING = 0;
        private static final int COMPLETED_INLINE = 1;
        private static final int CALLER_RETURNED = 2;
        private final AtomicInteger state = new AtomicInteger(PENDING);

        /** Called by the completion: true if the sending call has not returned yet. */
        boolean completedInline() {
            return state.compareAndSet(PENDING, COMPLETED_INLINE);
        }

        /** Called after the send call returns: true if the completion already ran inline. */
        boolean callerReturned() {
            return !state.compareAndSet(PENDING, CALLER_RETURNED);
        }
    }
}
