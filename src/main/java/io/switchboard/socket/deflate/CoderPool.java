package io.switchboard.socket.deflate;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded pool of zlib coders ({@link java.util.zip.Deflater} or {@link java.util.zip.Inflater}): each
 * holds native memory, so idle ones are kept up to a fixed number and the rest are ended at once. Any
 * thread may take and give back; a coder is used by one thread at a time.
 */
final class CoderPool<T> {
    private final BlockingQueue<T> idle;
    private final Supplier<T> factory;
    private final Consumer<T> reset;
    private final Consumer<T> end;

    CoderPool(int capacity, Supplier<T> factory, Consumer<T> reset, Consumer<T> end) {
        this.idle = new ArrayBlockingQueue<>(capacity);
        this.factory = factory;
        this.reset = reset;
        this.end = end;
    }

    T take() {
        T coder = idle.poll();
        return coder != null ? coder : factory.get();
    }

    /** Resets the coder for its next message and keeps it, or ends it when the pool is full. */
    void giveBack(T coder) {
        reset.accept(coder);
        if (!idle.offer(coder)) {
            end.accept(coder);
        }
    }

    /** Ends a coder that may be in an unknown state (its connection closed mid-message). */
    void discard(T coder) {
        end.accept(coder);
    }
}
