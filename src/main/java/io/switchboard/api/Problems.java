package io.switchboard.api;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProblemJson;
import jakarta.ws.rs.core.Response;

/** Builds problem+json responses. */
final class Problems {

    private Problems() {
    }

    static Response response(ErrorCode code, String detail) {
        Response.ResponseBuilder builder = Response.status(code.status())
                .type(ProblemJson.MEDIA_TYPE)
                .entity(ProblemJson.of(code, detail));
        if (code == ErrorCode.UNAUTHORIZED) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }
}
