package io.switchboard.heartbeat;

import java.time.Duration;

/**
 * What the heartbeat sweep does about a connection's token: nothing while it is valid; once it has
 * expired, tell the client (it may send a new one in-band); after the grace, close the connection.
 * Immutable.
 */
public final class TokenExpiryPolicy {

    /** The sweep's decision for one connection. */
    public enum Action { NOTHING, NOTIFY, CLOSE }

    private final long graceMillis;

    public TokenExpiryPolicy(Duration grace) {
        this.graceMillis = grace.toMillis();
    }

    public Action decide(long nowMillis, long expiresAtMillis) {
        if (nowMillis < expiresAtMillis) {
            return Action.NOTHING;
        }
        return nowMillis >= expiresAtMillis + graceMillis ? Action.CLOSE : Action.NOTIFY;
    }
}
