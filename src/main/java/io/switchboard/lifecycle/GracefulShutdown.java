package io.switchboard.lifecycle;

import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;

/**
 * Drains the node ({@link NodeDrain}) when the container stops the application's singletons (an undeploy,
 * or a stop without SIGTERM), unless {@link DrainOnSigterm} already did. Depends on the Redis node and the heartbeat, so it runs before they stop:
 * the relay still works while clients move. Runs on the container's shutdown thread.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@DependsOn({"RedisNode", "HeartbeatService"})
public class GracefulShutdown {

    @Inject
    NodeDrain drain;

    @PreDestroy
    void drain() {
        drain.drain();
    }
}
