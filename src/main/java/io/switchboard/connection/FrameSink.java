package io.switchboard.connection;

import java.util.function.Consumer;

/**
 * Where a {@link Connection}'s frames go: the WebSocket session in production, a recording fake in unit
 * tests. Implementations must never block the calling thread.
 */
public interface FrameSink {

    /** Starts an asynchronous text send; {@code completion} gets null on success or the failure. */
    void sendText(String text, Consumer<Throwable> completion);

    /** Sends a protocol ping without waiting for it to be written. */
    void sendPing();

    /** Closes the underlying socket with a close frame; must return at once even if the peer is stalled. */
    void close(int code, String reason);
}
