package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Chooses the broker once at start: the Redis broker when {@code switchboard.redis.url} is set, else the
 * in-memory one. The Redis broker is any bean typed {@link ClusterBroker}, so this package does not
 * depend on the Redis adapter.
 */
@ApplicationScoped
public class BrokerSelector {
    private static final Logger LOG = Logger.getLogger(BrokerSelector.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    InMemoryBroker inMemory;

    @Inject
    Instance<ClusterBroker> cluster;

    @Produces
    @ApplicationScoped
    Broker broker() {
        if (config.redisEnabled()) {
            LOG.info(() -> "Node " + config.nodeId() + ": cluster mode, relaying through Redis");
            return cluster.get();
        }
        LOG.info(() -> "Node " + config.nodeId() + ": single-node mode (no switchboard.redis.url)");
        return inMemory;
    }
}
