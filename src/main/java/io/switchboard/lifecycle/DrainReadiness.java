package io.switchboard.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /health/ready}: DOWN as soon as the node starts draining on shutdown, before its clients leave. */
@Readiness
@ApplicationScoped
public class DrainReadiness implements HealthCheck {

    @Inject
    DrainState drain;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("accepting-connections").status(!drain.isDraining()).build();
    }
}
