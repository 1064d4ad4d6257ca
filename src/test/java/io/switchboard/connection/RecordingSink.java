package io.switchboard.connection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A {@link FrameSink} for unit tests: records frames and completes sends now or when told. */
public final class RecordingSink implements FrameSink {
    public final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    public final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    public int pings;
    private final boolean completeImmediately;
    private final List<Consumer<Throwable>> pending = new ArrayList<>();

    private RecordingSink(boolean completeImmediately) {
        this.completeImmediately = completeImmediately;
    }

    /** Every send completes inside the send call, as a fast socket does. */
    public static RecordingSink fast() {
        return new RecordingSink(true);
    }

    /** Sends stay in flight until {@link #completeNext} or {@link #failNext}, as with a stalled peer. */
    public static RecordingSink stalled() {
        return new RecordingSink(false);
    }

    @Override
    public synchronized void sendText(String text, Consumer<Throwable> completion) {
        sent.add(text);
        if (completeImmediately) {
            completion.accept(null);
        } else {
            pending.add(completion);
        }
    }

    /** Sends in flight (stalled sinks only). */
    public synchronized int pendingCount() {
        return pending.size();
    }

    public void completeNext() {
        Consumer<Throwable> completion;
        synchronized (this) {
            completion = pending.remove(0);
        }
        completion.accept(null);
    }

    public void failNext(Throwable failure) {
        Consumer<Throwable> completion;
        synchronized (this) {
            completion = pending.remove(0);
        }
        completion.accept(failure);
    }

    @Override
    public synchronized void sendPing() {
        pings++;
    }

    @Override
    public void close(int code, String reason) {
        closeCodes.add(code);
    }
}
