package io.switchboard.connection;

/**
 * Whether the client opted in to batched frames ({@code optedIn}: it may send several commands in one frame,
 * separated by a single {@code \n}), and how far the connection's writer joins queued text frames into one
 * WebSocket frame for it (compact JSON never holds a raw newline): at most {@code maxFrames} frames and
 * {@code maxBytes} UTF-8 bytes in one joined frame (a larger frame goes alone), waiting up to
 * {@code delayMillis} for more frames before a write (0: never waits).
 */
public record FrameBatching(boolean optedIn, int maxFrames, int maxBytes, long delayMillis) {

    /** The client did not opt in: every frame goes alone, both ways. */
    public static final FrameBatching OFF = new FrameBatching(false, 1, Integer.MAX_VALUE, 0);

    public FrameBatching {
        if (maxFrames < 1 || maxBytes < 1 || delayMillis < 0) {
            throw new IllegalArgumentException("batching needs at least one frame, one byte and no negative delay");
        }
    }

    /** Whether the writer joins frames at all (the client opted in and more than one frame may be joined). */
    public boolean joins() {
        return optedIn && maxFrames > 1;
    }
}
