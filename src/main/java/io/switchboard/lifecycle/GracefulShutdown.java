package io.switchboard.lifecycle;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Drains the node when the container stops (SIGTERM): first readiness goes DOWN and new upgrades are
 * refused, then every client is closed with 1012 "reconnect now" after the frames already queued for it,
 * spread evenly over
 * {@code switchboard.shutdown.drain-ms} so they do not all land on the other nodes at once, then it waits
 * (up to {@code switchboard.shutdown.grace-ms} in all) for the connections to finish sending and go.
 * Depends on the Redis node and the heartbeat, so it runs before they stop: the relay still works while
 * clients move. Runs on the container's shutdown thread.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@DependsOn({"RedisNode", "HeartbeatService"})
public class GracefulShutdown {
    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    DrainState drain;

    @Inject
    ConnectionRegistry registry;

    @PreDestroy
    void drain() {
        drain.startDraining();
        long start = System.nanoTime();
        long window = config.shutdownDrain().toNanos();
        long deadline = start + config.shutdownGrace().toNanos();
        List<Connection> connections = new ArrayList<>(registry.all());
        LOG.info(() -> "Shutting down: telling " + connections.size() + " connection(s) to reconnect over "
                + config.shutdownDrain().toMillis() + " ms");
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
