package io.switchboard.redis.relay;

import io.switchboard.config.ApplicationClassLoader;
import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}: in cluster mode DOWN while the Redis relay is unreachable, so load balancers
 * send new clients elsewhere; always UP on a single node. Liveness is not tied to Redis: a Redis blip
 * must not get nodes restarted.
 */
@Readiness
@ApplicationScoped
public class RelayReadiness implements HealthCheck {

    @Inject
    SwitchboardConfig config;

    @Inject
    RelayState state;

    /** Called on Payara's health endpoint thread, which belongs to another module (see {@link ApplicationClassLoader}). */
    @Override
    public HealthCheckResponse call() {
        return ApplicationClassLoader.call(this::check);
    }

    private HealthCheckResponse check() {
        boolean cluster = config.redis().enabled();
        return HealthCheckResponse.named("redis-relay")
                .status(!cluster || state.isUp())
                .withData("mode", cluster ? "cluster" : "single-node")
                .withData("node", config.nodeId())
                .build();
    }
}
