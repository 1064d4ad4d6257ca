package io.switchboard.redis.store;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.security.ClusterTicketStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;

/**
 * Connect tickets in Redis ({@code sb:ticket:<ticket>}, expiring with the ticket), so a ticket issued by
 * one node can be redeemed on any: {@code GETDEL} takes it atomically, once. Runs on the caller's HTTP
 * thread (before any socket exists); fails with 503 {@code relay-unavailable} when Redis cannot answer.
 */
@ApplicationScoped
@Typed({RedisTicketStore.class, ClusterTicketStore.class})
public class RedisTicketStore implements ClusterTicketStore {

    @Inject
    RedisClient redis;

    @Inject
    RelayState state;

    @Override
    public void put(String ticket, String token, Duration ttl) {
        state.require(() -> redis.commands().psetex(RedisKeys.ticket(ticket), ttl.toMillis(), token), RedisTicketStore::unavailable);
    }

    @Override
    public Optional<String> take(String ticket) {
        return Optional.ofNullable(state.require(() -> redis.commands().getDel(RedisKeys.ticket(ticket)), RedisTicketStore::unavailable));
    }

    private static ProtocolException unavailable() {
        return new ProtocolException(ErrorCode.RELAY_UNAVAILABLE, "Connect tickets are unreachable (Redis); retry later");
    }
}
