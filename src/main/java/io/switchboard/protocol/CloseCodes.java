package io.switchboard.protocol;

/**
 * WebSocket close codes Switchboard uses. Standard codes below 4000; our own in 4000–4099 mean
 * "reconnect (with backoff)", 4100–4199 mean "do not reconnect with the same credentials".
 */
public final class CloseCodes {
    /** Server shutting down (RFC 6455). */
    public static final int GOING_AWAY = 1001;
    /** Binary frames are not part of the protocol (RFC 6455 "unsupported data"). */
    public static final int UNSUPPORTED_DATA = 1003;
    /**
     * The node is shutting down gracefully (RFC 6455 "service restart"): reconnect now, without backoff;
     * the load balancer sends the new connection to another node, and {@code since} resumes it.
     */
    public static final int SERVICE_RESTART = 1012;
    /**
     * The node is too busy to open the connection now (RFC 6455 "try again later"): its Redis queue for the
     * opening read is full. Reconnect with backoff, resuming as usual.
     */
    public static final int TRY_AGAIN_LATER = 1013;
    /** Text frame above {@code switchboard.frame.max-bytes} (RFC 6455 "message too big"). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** No pong or other frame from the client within heartbeat interval + timeout. */
    public static final int HEARTBEAT_TIMEOUT = 4000;
    /** The client read too slowly: its outbound queue overflowed. */
    public static final int SLOW_CONSUMER = 4001;
    /** A backend asked the gateway to disconnect this user ({@code DELETE /api/users/{user}/connections}): reconnect. */
    public static final int DISCONNECTED = 4002;
    /** The client kept sending commands although they were refused with {@code 429 rate-limited}. */
    public static final int TOO_MANY_COMMANDS = 4003;
    /**
     * A backend ended this user's sessions ({@code ?reconnect=false}: signed out, banned): do not reconnect
     * with the same token.
     */
    public static final int SIGNED_OUT = 4100;
    /**
     * The token expired and no new one came in-band within {@code switchboard.auth.expiry-grace-ms}: connect
     * again with a new token.
     */
    public static final int TOKEN_EXPIRED = 4101;
    /** An in-band {@code auth} presented another user's token: do not reconnect with it. */
    public static final int USER_MISMATCH = 4102;

    private CloseCodes() {
    }
}
