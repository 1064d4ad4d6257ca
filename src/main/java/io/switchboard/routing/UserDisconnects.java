package io.switchboard.routing;

import io.switchboard.connection.Connection;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Closes every connection of a user, gateway-wide, on a backend's request (force a reconnect with a fresh
 * token, or sign the user out). Each connection gets the frames already queued for it, then the close
 * frame. Runs on request threads and, for other nodes' requests, on the Redis subscriber; never blocks on
 * a client.
 */
@ApplicationScoped
public class UserDisconnects {
    private static final Logger LOG = Logger.getLogger(UserDisconnects.class.getName());

    @Inject
    ConnectionRegistry registry;

    @Inject
    Broker broker;

    /** Closes the user's connections on every node with {@code closeCode}; returns how many there were. */
    public int disconnect(String user, int closeCode) {
        int here = disconnectHere(user, closeCode);
        return here + broker.disconnectElsewhere(user, closeCode);
    }

    /** This node's part: closes the user's connections here after what is queued for them. */
    public int disconnectHere(String user, int closeCode) {
        int closed = 0;
        for (Connection connection : registry.connectionsOf(user)) {
            connection.closeAfterQueued(closeCode, "disconnected by the backend");
            closed++;
        }
        if (closed > 0) {
            int count = closed;
            LOG.info(() -> "Disconnecting " + count + " connection(s) of a user on a backend's request (close " + closeCode + ")");
        }
        return closed;
    }
}
