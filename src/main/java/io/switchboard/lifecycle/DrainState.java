package io.switchboard.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this node is shutting down. Once draining it refuses new WebSocket upgrades (503, so the
 * load balancer retries another node) and reports readiness DOWN. Set once by {@link NodeDrain};
 * read by the handshake filter (container HTTP threads) and the readiness check.
 */
@ApplicationScoped
public class DrainState {
    private volatile boolean draining;

    public boolean isDraining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
