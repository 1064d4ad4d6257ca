package io.switchboard.connection;

/**
 * Whether, and how far, a connection's writer joins queued text frames into one WebSocket frame (frames
 * separated by a single {@code \n}; compact JSON never holds a raw newline): at most {@code maxFrames}
 * frames and {@code maxBytes} UTF-8 bytes in one joined frame (a larger frame goes alone), waiting up to
 * {@code delayMillis} for more frames before a write (0: never waits). Only for clients that opted in.
 */
public record FrameBatching(int maxFrames, int maxBytes, long delayMillis) {

    /** Every frame goes alone. */
    public static final FrameBatching OFF = new FrameBatching(1, Integer.MAX_VALUE, 0);

    public FrameBatching {
        if (maxFrames < 1 || maxBytes < 1 || delayMillis < 0) {
            throw new IllegalArgumentException("batching needs at least one frame, one byte and no negative delay");
        }
    }

    /** Whether frames are joined at all. */
    public boolean joins() {
        return maxFrames > 1;
    }
}
