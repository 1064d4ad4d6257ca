package io.switchboard.pusher;

/**
 * Pusher's error codes, with what pusher-js does on a close carrying them: 4000–4099 it does not reconnect
 * (the same request would be refused again), 4100–4199 it reconnects after a back-off, 4200–4299 at once;
 * 4300+ codes come in {@code pusher:error} without a close.
 */
public enum PusherError {
    /** Only TLS connections are accepted. */
    SSL_ONLY(4000),
    /** No app has this key. */
    APPLICATION_DOES_NOT_EXIST(4001),
    /** The app is disabled. */
    APPLICATION_DISABLED(4003),
    /** The app is over its connection quota. */
    OVER_CONNECTION_QUOTA(4004),
    /** The request path is not {@code /app/{key}}. */
    PATH_NOT_FOUND(4005),
    /** The {@code version} parameter is malformed. */
    INVALID_VERSION_STRING(4006),
    /** The {@code protocol} parameter names a version not spoken here (7 is). */
    UNSUPPORTED_PROTOCOL_VERSION(4007),
    /** No {@code protocol} parameter. */
    NO_PROTOCOL_VERSION(4008),
    /** The connection is not authorised (user authentication required or refused). */
    UNAUTHORIZED(4009),
    /** The node is over capacity: reconnect after a back-off. */
    OVER_CAPACITY(4100),
    /** Reconnect at once (a node going down). */
    GENERIC_RECONNECT(4200),
    /** The client did not answer a ping in time. */
    PONG_NOT_RECEIVED(4201),
    /** Closed after inactivity. */
    CLOSED_AFTER_INACTIVITY(4202),
    /** A client event refused for its rate (sent without a close). */
    CLIENT_EVENT_RATE_LIMIT(4301);

    private final int code;

    PusherError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether the connection is closed with this code after the {@code pusher:error}. */
    public boolean closes() {
        return code < 4300;
    }

    /** Whether pusher-js reconnects after a close with this code. */
    public boolean clientReconnects() {
        return code >= 4100 && code < 4300;
    }
}
