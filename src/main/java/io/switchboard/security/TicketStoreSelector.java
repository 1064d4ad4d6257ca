package io.switchboard.security;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/** Chooses the ticket store once at start: Redis when {@code switchboard.redis.url} is set, else in memory. */
@ApplicationScoped
public class TicketStoreSelector {

    @Inject
    SwitchboardConfig config;

    @Inject
    InMemoryTicketStore inMemory;

    @Inject
    Instance<ClusterTicketStore> cluster;

    @Produces
    @ApplicationScoped
    TicketStore ticketStore() {
        return config.redis().enabled() ? cluster.get() : inMemory;
    }
}
