package io.switchboard.api;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;

/** An API request refused with a problem response; same codes as WebSocket error frames. */
public class ApiException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public ApiException(ErrorCode code, String message) {
        super(code, message);
    }
}
