package io.switchboard.connection;

/** Per-connection outbound queue bounds: frames and bytes (UTF-16 size of queued text). */
public record SendQueueLimits(int maxFrames, long maxBytes) {
    public SendQueueLimits {
        if (maxFrames <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("send queue limits must be positive");
        }
    }
}
