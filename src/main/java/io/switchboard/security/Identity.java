package io.switchboard.security;

import java.security.Principal;
import java.util.Set;

/** Who a verified token says the caller is. Immutable; also the request principal of a /ws handshake. */
public record Identity(String user, Set<String> groups, long expiresAtMillis) implements Principal {

    public Identity {
        groups = Set.copyOf(groups);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    @Override
    public String getName() {
        return user;
    }
}
