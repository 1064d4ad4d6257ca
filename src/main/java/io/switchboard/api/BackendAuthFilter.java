package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.security.Identity;
import io.switchboard.security.InvalidTokenException;
import io.switchboard.security.TokenVerifier;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Lets a request through to a {@link BackendOnly} resource when it carries the configured API key
 * ({@value #API_KEY_HEADER}, for legacy backends) or a bearer JWT whose groups contain the backend
 * group. No or bad credentials → 401; a valid token without the group → 403. Runs on the request thread.
 */
@Provider
@BackendOnly
@Priority(Priorities.AUTHENTICATION)
public class BackendAuthFilter implements ContainerRequestFilter {
    public static final String API_KEY_HEADER = "X-Api-Key";

    @Inject
    SwitchboardConfig config;

    @Inject
    TokenVerifier verifier;

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            authenticate(request);
        } catch (ApiException e) {
            request.abortWith(Problems.response(e.code(), e.getMessage()));
        }
    }

    private void authenticate(ContainerRequestContext request) {
        String presentedKey = request.getHeaderString(API_KEY_HEADER);
        if (presentedKey != null) {
            Optional<String> key = config.apiKey();
            if (key.isPresent() && constantTimeEquals(key.get(), presentedKey)) {
                return;
            }
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Invalid API key");
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(ErrorCode.UNAUTHORIZED,
                    "Send 'Authorization: Bearer <jwt>' or '" + API_KEY_HEADER + "'");
        }
        Identity identity;
        try {
            identity = verifier.verify(authorization.substring(7).strip());
        } catch (InvalidTokenException e) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        if (!identity.inGroup(config.backendGroup())) {
            throw new ApiException(ErrorCode.FORBIDDEN,
                    "The token lacks group '" + config.backendGroup() + "' required for the backend API");
        }
    }

    private static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
