package io.switchboard.api;

import io.switchboard.limits.KeyedRateLimiter;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every failure of the API into application/problem+json; never a stack trace. */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    /** Our own refusals: bad input, auth, limits. */
    @Provider
    public static class ProtocolExceptionMapper implements ExceptionMapper<ProtocolException> {
        @Override
        public Response toResponse(ProtocolException e) {
            Response problem = Problems.response(e.code(), e.getMessage());
            if (e.retryAfterMillis() < 0) {
                return problem;
            }
            return Response.fromResponse(problem)
                    .header("Retry-After", KeyedRateLimiter.retryAfterSeconds(e.retryAfterMillis())).build();
        }
    }

    /** JAX-RS's own: unknown path (404), wrong method (405), wrong content type (415), etc. */
    @Provider
    public static class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            ErrorCode code = switch (status) {
                case 400 -> ErrorCode.INVALID_FRAME;
                case 401 -> ErrorCode.UNAUTHORIZED;
                case 403 -> ErrorCode.FORBIDDEN;
                case 404 -> ErrorCode.NOT_FOUND;
                case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
                case 413 -> ErrorCode.TOO_LARGE;
                case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
                default -> null;
            };
            if (code == null) {
                LOG.log(Level.WARNING, "Unexpected HTTP " + status, e);
                code = ErrorCode.INTERNAL;
            }
            return Problems.response(code, code == ErrorCode.INTERNAL ? "Internal error" : code.title());
        }
    }

    /** Anything else is our bug: log it, answer 500 without details. */
    @Provider
    public static class UnexpectedExceptionMapper implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.log(Level.SEVERE, "API request failed", e);
            return Problems.response(ErrorCode.INTERNAL, "Internal error");
        }
    }
}
