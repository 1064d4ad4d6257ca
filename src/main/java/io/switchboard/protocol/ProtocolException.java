package io.switchboard.protocol;

import jakarta.json.JsonValue;

/** A client or backend request Switchboard refuses; carries the error code and the request's id. */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient JsonValue requestId;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, JsonValue requestId) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code id} the client put in its command, or null when there was none or it was unreadable. */
    public JsonValue requestId() {
        return requestId;
    }

    /** The same error, now tied to the id of the command that caused it. */
    public ProtocolException withRequestId(JsonValue id) {
        return id == null ? this : new ProtocolException(code, getMessage(), id);
    }
}
