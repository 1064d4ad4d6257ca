package io.switchboard.security;

import java.util.Set;

/**
 * Which page origins may connect ({@code switchboard.allowed-origins}; empty: any). A request without an
 * {@code Origin} (not from a browser page) is not an origin's. Immutable.
 */
public record OriginPolicy(Set<String> allowed) {

    public OriginPolicy {
        allowed = Set.copyOf(allowed);
    }

    /** Whether a request from {@code origin} (null: none) may go on. */
    public boolean allows(String origin) {
        return origin == null || allowed.isEmpty() || allowed.contains(origin);
    }
}
