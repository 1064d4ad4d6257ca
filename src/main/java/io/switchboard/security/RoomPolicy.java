package io.switchboard.security;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Decides whether a client may join or publish to a room: the token's room claims when present
 * ({@code switchboard.rooms.join-claim}, {@code switchboard.rooms.publish-claim}), else the configured
 * default ({@code switchboard.rooms.default-join}, {@code switchboard.rooms.default-publish}). Backends
 * (HTTP API) are not subject to it. Stateless.
 */
@ApplicationScoped
public class RoomPolicy {

    @Inject
    SwitchboardConfig config;

    public RoomPolicy() {
    }

    public RoomPolicy(SwitchboardConfig config) {
        this.config = config;
    }

    public boolean mayJoin(Identity identity, String room) {
        return decide(identity.joinableRooms(), room, config.rooms().openJoin());
    }

    public boolean mayPublish(Identity identity, String room) {
        return decide(identity.publishableRooms(), room, config.rooms().openPublish());
    }

    private static boolean decide(Optional<RoomPatterns> granted, String room, boolean openByDefault) {
        return granted.map(patterns -> patterns.allows(room)).orElse(openByDefault);
    }
}
