package io.switchboard.redis.client;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * This node's identity in Redis: its node id plus a token generated at each start
 * ({@code node-a~3f9c2b1e}). Presence entries, the liveness score and the relay channel use it, so a
 * node restarted under the same configured id never brings back the entries of its previous run:
 * those belong to a member that is no longer alive.
 */
@ApplicationScoped
public class ClusterMember {
    private static final char SEPARATOR = '~';

    @Inject
    SwitchboardConfig config;

    private String id;

    @PostConstruct
    void init() {
        id = config.nodeId() + SEPARATOR + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This run's member id. */
    public String id() {
        return id;
    }

    /** The node id of a member id (what clients and the presence API see). */
    public static String nodeOf(String member) {
        int separator = member.lastIndexOf(SEPARATOR);
        return separator < 0 ? member : member.substring(0, separator);
    }
}
