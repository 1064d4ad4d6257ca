package io.switchboard.socket;

import io.switchboard.connection.Connection;
import io.switchboard.limits.CommandBudget;
import jakarta.websocket.Session;

/**
 * Everything this node keeps per WebSocket, in one typed value attached to its {@link Session} at open: the
 * {@link Connection} (shared with every thread that delivers to it) and the {@link CommandBudget} (touched
 * only by the session's WebSocket thread). The endpoint itself keeps nothing per connection.
 */
record SocketState(Connection connection, CommandBudget budget) {
    private static final String KEY = SocketState.class.getName();

    /** Attaches this state to the session; done once, in {@code @OnOpen}, before any message callback. */
    void attachTo(Session session) {
        session.getUserProperties().put(KEY, this);
    }

    /** The session's state, or null for a session refused before it was attached. */
    static SocketState of(Session session) {
        return (SocketState) session.getUserProperties().get(KEY);
    }
}
