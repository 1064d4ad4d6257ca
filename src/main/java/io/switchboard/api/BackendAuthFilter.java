package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.KeyedRateLimiter;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.security.BearerToken;
import io.switchboard.security.Identity;
import io.switchboard.security.InvalidTokenException;
import io.switchboard.security.TokenVerifier;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.HexFormat;

/**
 * Lets a request through to a {@link BackendOnly} resource when it carries an accepted API key
 * ({@value #API_KEY_HEADER}, for legacy backends; compared as SHA-256 digests, in constant time) or a
 * bearer JWT whose groups contain the backend group, and the credential is within its request rate. No or
 * bad credentials → 401; a valid token without the group → 403; too many requests → 429 with
 * {@code Retry-After}. Keys and tokens are never logged. Runs on the request thread.
 */
@Provider
@BackendOnly
@Priority(Priorities.AUTHENTICATION)
public class BackendAuthFilter implements ContainerRequestFilter {
    public static final String API_KEY_HEADER = "X-Api-Key";

    /**
     * Request property (a servlet request attribute too) naming the authenticated credential: an API key's
     * digest prefix or the token's user. Idempotency keys are scoped by it.
     */
    static final String CREDENTIAL = "io.switchboard.api.credential";

    @Inject
    SwitchboardConfig config;

    @Inject
    TokenVerifier verifier;

    @Inject
    TrafficCounters traffic;

    @Inject
    ApiCredentials credentials;

    @Override
    public void filter(ContainerRequestContext request) {
        String credential;
        try {
            credential = authenticate(request);
        } catch (ApiException e) {
            traffic.error(e.code());
            request.abortWith(Problems.response(e.code(), e.getMessage()));
            return;
        }
        request.setProperty(CREDENTIAL, credential);
        long waitMillis = credentials.requestsPerCredential().acquire(credential, System.nanoTime());
        if (waitMillis > 0) {
            traffic.error(ErrorCode.RATE_LIMITED);
            request.abortWith(Response.fromResponse(Problems.response(ErrorCode.RATE_LIMITED,
                    "More than " + (long) config.limits().apiRequestsPerSecond() + " requests per second with these credentials"))
                    .header("Retry-After", KeyedRateLimiter.retryAfterSeconds(waitMillis)).build());
        }
    }

    /** Checks the credentials; returns what the rate limit counts them by (a key's digest prefix, or the user). */
    private String authenticate(ContainerRequestContext request) {
        String presentedKey = request.getHeaderString(API_KEY_HEADER);
        if (presentedKey != null) {
            byte[] presented = credentials.digestIfAccepted(presentedKey);
            if (presented != null) {
                return "key:" + HexFormat.of().formatHex(presented, 0, 8);
            }
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Invalid API key");
        }
        String token = BearerToken.of(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            throw new ApiException(ErrorCode.UNAUTHORIZED,
                    "Send 'Authorization: Bearer <jwt>' or '" + API_KEY_HEADER + "'");
        }
        Identity identity;
        try {
            identity = verifier.verify(token);
        } catch (InvalidTokenException e) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        if (!identity.inGroup(config.api().backendGroup())) {
            throw new ApiException(ErrorCode.FORBIDDEN,
                    "The token lacks group '" + config.api().backendGroup() + "' required for the backend API");
        }
        return "user:" + identity.user();
    }
}
