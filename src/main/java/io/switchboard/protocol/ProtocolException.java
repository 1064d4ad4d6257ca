package io.switchboard.protocol;

import jakarta.json.JsonValue;

/** A client or backend request Switchboard refuses; carries the error code and the request's id. */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient JsonValue requestId;
    private final long retryAfterMillis;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, JsonValue requestId) {
        this(code, message, requestId, -1);
    }

    private ProtocolException(ErrorCode code, String message, JsonValue requestId, long retryAfterMillis) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** A refusal the client should retry after {@code retryAfterMillis} (sent as {@code retryAfterMs} / {@code Retry-After}). */
    public static ProtocolException retryAfter(ErrorCode code, String message, long retryAfterMillis) {
        return new ProtocolException(code, message, null, retryAfterMillis);
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code id} the client put in its command, or null when there was none or it was unreadable. */
    public JsonValue requestId() {
        return requestId;
    }

    /** How long the client should wait before retrying, or -1 when no wait is suggested. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    /** The same error, now tied to the id of the command that caused it. */
    public ProtocolException withRequestId(JsonValue id) {
        return id == null ? this : new ProtocolException(code, getMessage(), id, retryAfterMillis);
    }
}
