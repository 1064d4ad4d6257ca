package io.switchboard.socket;

import io.switchboard.connection.FrameSink;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A {@link FrameSink} over a Jakarta WebSocket session: async sends; closes run on a managed executor. */
final class SessionSink implements FrameSink {
    private static final Logger LOG = Logger.getLogger(SessionSink.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_REASON_BYTES = 123;

    private final Session session;
    private final Executor closeExecutor;
    private final BareContextClassLoader bareContext;

    SessionSink(Session session, Executor closeExecutor, BareContextClassLoader bareContext) {
        this.session = session;
        this.closeExecutor = closeExecutor;
        this.bareContext = bareContext;
    }

    @Override
    public void sendText(String text, Consumer<Throwable> completion) {
        try {
            bareContext.run(() -> session.getAsyncRemote().sendText(text,
                    result -> completion.accept(result.isOK() ? null : result.getException())));
        } catch (RuntimeException e) {
            completion.accept(e);
        }
    }

    @Override
    public void sendPing() {
        bareContext.run(() -> {
            try {
                session.getAsyncRemote().sendPing(EMPTY.duplicate());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Ping failed; the heartbeat will reap the connection", e);
            }
        });
    }

    @Override
    public void close(int code, String reason) {
        CloseReason closeReason = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason));
        // A stalled peer can make close() wait for its socket: never on the caller's thread.
        closeExecutor.execute(() -> {
            try {
                session.close(closeReason);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Close failed; the socket is already gone", e);
            }
        });
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_REASON_BYTES ? reason : new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.US_ASCII);
    }
}
