package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Chooses the implementations of the two ports once at start: the {@link Clustered} ones (the Redis
 * adapter) when a Redis is configured, else the in-memory ones. Looked up by qualifier, so this package
 * does not depend on the Redis adapter.
 */
@ApplicationScoped
public class BrokerSelector {
    private static final Logger LOG = Logger.getLogger(BrokerSelector.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    InMemoryBroker inMemoryBroker;

    @Inject
    InMemoryPresence inMemoryPresence;

    @Inject
    @Clustered
    Instance<Broker> clusterBroker;

    @Inject
    @Clustered
    Instance<PresenceManager> clusterPresence;

    @Produces
    @ApplicationScoped
    Broker broker() {
        if (config.redis().enabled()) {
            LOG.info(() -> "Node " + config.nodeId() + ": cluster mode (" + config.redis().mode() + "), relaying through Redis");
            return clusterBroker.get();
        }
        LOG.info(() -> "Node " + config.nodeId() + ": single-node mode (no Redis configured)");
        return inMemoryBroker;
    }

    @Produces
    @ApplicationScoped
    PresenceManager presence() {
        return config.redis().enabled() ? clusterPresence.get() : inMemoryPresence;
    }
}
