package io.switchboard.socket;

import io.switchboard.api.ServletProblems;
import io.switchboard.lifecycle.DrainState;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.security.Identity;
import io.switchboard.security.InvalidTokenException;
import io.switchboard.security.TokenVerifier;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;

/**
 * Authenticates the WebSocket upgrade before a socket exists: the bearer token from the
 * {@code Authorization} header or, for browsers, the {@code token} query parameter is verified by
 * {@link TokenVerifier}; a bad one gets 401 problem+json and no upgrade. A good one becomes the request's
 * principal, which the container hands to the WebSocket session. Runs on a container HTTP thread.
 */
@WebFilter(urlPatterns = GatewayEndpoint.PATH, asyncSupported = true)
public class HandshakeFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final String QUERY_PARAMETER = "token";

    @Inject
    transient TokenVerifier verifier;

    @Inject
    transient DrainState drain;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (drain.isDraining()) {
            response.setHeader("Retry-After", "0");
            refuse(response, ErrorCode.DRAINING, "This node is shutting down; connect again");
            return;
        }
        Identity identity;
        try {
            identity = verifier.verify(bearerToken(request));
        } catch (InvalidTokenException e) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            refuse(response, ErrorCode.UNAUTHORIZED, e.getMessage());
            return;
        }
        try {
            ResumeParameters.from(request::getParameter);
        } catch (ProtocolException e) {
            refuse(response, e.code(), e.getMessage());
            return;
        }
        chain.doFilter(new AuthenticatedRequest(request, identity), response);
    }

    private static void refuse(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        ServletProblems.write(response, code, detail);
    }

    /** The header token if there is one, else the query token, else null. */
    static String bearerToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null) {
            return header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        }
        return request.getParameter(QUERY_PARAMETER);
    }

    /** Exposes the verified identity as the principal the WebSocket session is created with. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final Identity identity;

        AuthenticatedRequest(HttpServletRequest request, Identity identity) {
            super(request);
            this.identity = identity;
        }

        @Override
        public Principal getUserPrincipal() {
            return identity;
        }

        @Override
        public String getRemoteUser() {
            return identity.user();
        }
    }
}
