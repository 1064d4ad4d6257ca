package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/stats}: this node's connection counts and cut/reap counters, for humans and tests. */
@Path("stats")
@RequestScoped
@BackendOnly
public class StatsResource {

    /** A snapshot of this node's counters. */
    public record Stats(String node, int connections, int users, int rooms, long slowConsumerCuts, long heartbeatReaps) {
    }

    @Inject
    SwitchboardConfig config;

    @Inject
    ConnectionRegistry registry;

    @Inject
    RoomRegistry rooms;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Stats stats() {
        return new Stats(config.nodeId(), registry.size(), registry.userCount(), rooms.rooms().size(), registry.slowConsumerCuts(),
                registry.heartbeatReaps());
    }
}
