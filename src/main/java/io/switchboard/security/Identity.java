package io.switchboard.security;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Who a verified token says the caller is, and which rooms it may join and publish to (empty when the
 * token has no such claim: the configured default policy then decides). Immutable; also the request
 * principal of a /ws handshake.
 */
public record Identity(String user, Set<String> groups, long expiresAtMillis,
        Optional<RoomPatterns> joinableRooms, Optional<RoomPatterns> publishableRooms) implements Principal {

    public Identity {
        groups = Set.copyOf(groups);
    }

    /** An identity whose token carries no room claims. */
    public Identity(String user, Set<String> groups, long expiresAtMillis) {
        this(user, groups, expiresAtMillis, Optional.empty(), Optional.empty());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    @Override
    public String getName() {
        return user;
    }
}
