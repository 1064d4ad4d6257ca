package io.switchboard.security;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Who a verified token says the caller is, which rooms it may join and publish to (empty when the
 * token has no such claim: the configured default policy then decides), and by how much its storage
 * quota is raised (1 unless the token says more). Immutable; also the request principal of a /ws handshake.
 */
public record Identity(String user, Set<String> groups, long expiresAtMillis,
        Optional<RoomPatterns> joinableRooms, Optional<RoomPatterns> publishableRooms, double storageQuotaScale)
        implements Principal {

    public Identity {
        groups = Set.copyOf(groups);
        if (!(storageQuotaScale >= 1)) {
            throw new IllegalArgumentException("A storage quota scale is at least 1");
        }
    }

    /** An identity with the default storage quota. */
    public Identity(String user, Set<String> groups, long expiresAtMillis,
            Optional<RoomPatterns> joinableRooms, Optional<RoomPatterns> publishableRooms) {
        this(user, groups, expiresAtMillis, joinableRooms, publishableRooms, 1);
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
