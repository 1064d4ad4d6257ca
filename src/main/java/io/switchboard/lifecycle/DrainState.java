package io.switchboard.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this node is shutting down. Once draining it refuses new WebSocket upgrades (503, so the
 * load balancer retries another node) and reports readiness DOWN. Set once by {@link NodeDrain};
 * read by the handshake filter (container HTTP threads) and the readiness check.
 */
@ApplicationScoped
public class DrainState {
    private final AtomicBoolean draining = new AtomicBoolean();

    public boolean isDraining() {
        return draining.get();
    }

    /** Marks the node draining; true only for the first caller (the one that then drains). */
    boolean startDraining() {
        return draining.compareAndSet(false, true);
    }
}
