package io.switchboard.protocol;

/**
 * Every error Switchboard reports, with the numeric code sent in WebSocket error frames and used as
 * the HTTP status of problem+json responses, and a stable slug clients can switch on.
 */
public enum ErrorCode {
    INVALID_JSON(400, "invalid-json", "The frame or body is not valid JSON"),
    INVALID_FRAME(400, "invalid-frame", "A field is missing or has the wrong type"),
    UNKNOWN_TYPE(400, "unknown-type", "The frame type is not known"),
    TOO_MANY_RECIPIENTS(400, "too-many-recipients", "The recipient list is longer than allowed"),
    INVALID_ROOM(400, "invalid-room", "The room name is empty, too long or has characters outside [A-Za-z0-9_.:@-]"),
    TOO_MANY_ROOMS(400, "too-many-rooms", "The connection is already in as many rooms as allowed"),
    UNAUTHORIZED(401, "unauthorized", "Missing or invalid credentials"),
    TOKEN_EXPIRED(401, "token-expired", "The connection's token expired: send a new one with {\"type\":\"auth\"} or be disconnected"),
    FORBIDDEN(403, "forbidden", "The credentials do not allow this"),
    USER_MISMATCH(403, "user-mismatch", "The new token is for another user than the connection's"),
    FORBIDDEN_ORIGIN(403, "forbidden-origin", "The page's origin is not allowed to connect"),
    NOT_FOUND(404, "not-found", "No such resource"),
    NOT_MEMBER(404, "not-member", "The user or connection is not in that room"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed on this resource"),
    IDEMPOTENCY_CONFLICT(409, "idempotency-conflict", "The Idempotency-Key was already used with a different request"),
    TOO_LARGE(413, "too-large", "The frame or body is larger than allowed"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Send application/json"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    STORAGE_QUOTA(429, "storage-quota", "The sender stored more message copies or bytes than its quota allows; retry after retryAfterMs"),
    TOO_MANY_CONNECTIONS(429, "too-many-connections", "The user holds as many connections on this node as allowed"),
    INTERNAL(500, "internal", "Internal error"),
    OVERLOADED(503, "overloaded", "This node has more work queued than it takes; retry after retryAfterMs (Retry-After)"),
    RELAY_UNAVAILABLE(503, "relay-unavailable", "The cluster relay (Redis) is unreachable; retry later"),
    NOT_REPLICATED(503, "not-replicated", "Redis' master has the message but too few replicas confirmed it; retry with the same Idempotency-Key"),
    NODE_FULL(503, "node-full", "This node holds as many connections as allowed; connect again (to another node)"),
    DRAINING(503, "draining", "This node is shutting down; connect again (the load balancer picks another node)");

    private final int status;
    private final String slug;
    private final String title;

    ErrorCode(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** Numeric code of error frames; HTTP status of problem responses. */
    public int status() {
        return status;
    }

    /** Stable machine-readable name, e.g. {@code invalid-json}. */
    public String slug() {
        return slug;
    }

    /** Short human-readable summary, the same for every occurrence. */
    public String title() {
        return title;
    }
}
