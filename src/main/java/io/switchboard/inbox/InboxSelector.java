package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/** Chooses the inbox once at start: Redis when {@code switchboard.redis.url} is set, else in memory. */
@ApplicationScoped
public class InboxSelector {

    @Inject
    SwitchboardConfig config;

    @Inject
    InMemoryInbox inMemory;

    @Inject
    Instance<ClusterInbox> cluster;

    @Produces
    @ApplicationScoped
    Inbox inbox() {
        return config.redis().enabled() ? cluster.get() : inMemory;
    }
}
