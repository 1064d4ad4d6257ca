package io.switchboard.security;

import java.time.Duration;
import java.util.Optional;

/**
 * Where connect tickets wait to be redeemed: in memory on one node, in Redis in a cluster (the handshake
 * may reach any node). Implementations are thread-safe.
 */
public interface TicketStore {

    /** Keeps {@code token} under {@code ticket} for {@code ttl}. */
    void put(String ticket, String token, Duration ttl);

    /** The token kept under {@code ticket}, removed in the same step (a ticket is used once); empty if none. */
    Optional<String> take(String ticket);
}
