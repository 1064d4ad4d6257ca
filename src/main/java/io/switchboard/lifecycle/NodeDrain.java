package io.switchboard.lifecycle;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Drains the node when the application stops (SIGTERM): first readiness goes DOWN and new upgrades are
 * refused, then every client is closed with 1012 "reconnect now" after the frames already queued for it,
 * spread evenly over {@code switchboard.shutdown.drain-ms} so they do not all land on the other nodes at
 * once, then it waits (up to {@code switchboard.shutdown.grace-ms} in all) for the connections to finish
 * sending and go. Triggered by whichever comes first of {@link DrainOnSigterm} (SIGTERM, before the server
 * begins to stop) and {@link GracefulShutdown} (the server stopping the application's singletons, while
 * Redis and the heartbeat still run: an undeploy, or a stop by other means); runs once, on that thread.
 */
@ApplicationScoped
public class NodeDrain {
    private static final Logger LOG = Logger.getLogger(NodeDrain.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    DrainState drain;

    @Inject
    ConnectionRegistry registry;

    /**
     * Drains this node, once: later calls (the other trigger) return at once. Blocks the calling
     * container thread for up to {@code switchboard.shutdown.grace-ms}.
     */
    public void drain() {
        if (!drain.startDraining()) {
            return;
        }
        long start = System.nanoTime();
        long window = config.shutdown().drain().toNanos();
        long deadline = start + config.shutdown().grace().toNanos();
        List<Connection> connections = new ArrayList<>(registry.all());
        LOG.info(() -> "Shutting down: telling " + connections.size() + " connection(s) to reconnect over "
                + config.shutdown().drain().toMillis() + " ms");
        for (int i = 0; i < connections.size(); i++) {
            sleepUntil(Math.min(start + window * i / connections.size(), deadline));
            connections.get(i).closeAfterQueued(CloseCodes.SERVICE_RESTART, "node shutting down: reconnect now");
        }
        while (registry.size() > 0 && System.nanoTime() < deadline) {
            sleepUntil(System.nanoTime() + 50_000_000L);
        }
        LOG.info(() -> "Drained in " + (System.nanoTime() - start) / 1_000_000 + " ms; "
                + registry.size() + " connection(s) left");
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
