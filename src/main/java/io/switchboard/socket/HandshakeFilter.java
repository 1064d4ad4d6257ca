package io.switchboard.socket;

import io.switchboard.api.ServletProblems;
import io.switchboard.config.LimitSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.lifecycle.DrainState;
import io.switchboard.limits.ClientAddresses;
import io.switchboard.limits.KeyedRateLimiter;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.security.BearerToken;
import io.switchboard.security.ConnectTickets;
import io.switchboard.security.Identity;
import io.switchboard.security.InvalidTokenException;
import io.switchboard.security.OriginPolicy;
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
 * {@code Authorization} header, or (browsers cannot set headers on a WebSocket) the token a single-use
 * {@code ticket} query parameter stands for ({@link ConnectTickets}), or the {@code token} query parameter,
 * is verified by {@link TokenVerifier}; a bad one gets 401 problem+json and no upgrade. A good one becomes the request's
 * principal, which the container hands to the WebSocket session. Before that, the abuse limits: an
 * {@code Origin} outside {@code switchboard.allowed-origins} gets 403, a client address over its handshake
 * rate 429; after it, a full node 503 and a user over its connections on this node 429. Every refusal is
 * problem+json and counted by code. Runs on a container HTTP thread.
 */
@WebFilter(urlPatterns = GatewayEndpoint.PATH, asyncSupported = true)
public class HandshakeFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final String QUERY_PARAMETER = "token";
    static final String TICKET_PARAMETER = "ticket";

    @Inject
    transient TokenVerifier verifier;

    @Inject
    transient DrainState drain;

    @Inject
    transient SwitchboardConfig config;

    @Inject
    transient ConnectionRegistry registry;

    @Inject
    transient TrafficCounters traffic;

    @Inject
    transient ConnectTickets tickets;

    private transient KeyedRateLimiter handshakesPerAddress;
    private transient OriginPolicy origins;

    @Override
    public void init() {
        LimitSettings limits = config.limits();
        handshakesPerAddress = new KeyedRateLimiter(limits.handshakesPerSecondPerIp(), limits.handshakesBurstPerIp(),
                limits.trackedClients());
        origins = new OriginPolicy(config.allowedOrigins());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (drain.isDraining()) {
            response.setHeader("Retry-After", "0");
            refuse(response, ErrorCode.DRAINING, "This node is shutting down; connect again");
            return;
        }
        String origin = request.getHeader("Origin");
        if (!origins.allows(origin)) {
            refuse(response, ErrorCode.FORBIDDEN_ORIGIN, "Origin '" + origin + "' may not connect");
            return;
        }
        long waitMillis = handshakesPerAddress.acquire(ClientAddresses.limiterKey(clientAddress(request)), System.nanoTime());
        if (waitMillis > 0) {
            response.setHeader("Retry-After", KeyedRateLimiter.retryAfterSeconds(waitMillis));
            refuse(response, ErrorCode.RATE_LIMITED, "Too many connection attempts from this address; retry later");
            return;
        }
        Identity identity;
        try {
            identity = verifier.verify(bearerToken(request));
        } catch (ProtocolException e) { // the ticket store is unreachable
            refuse(response, e.code(), e.getMessage());
            return;
        } catch (InvalidTokenException e) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            refuse(response, ErrorCode.UNAUTHORIZED, e.getMessage());
            return;
        }
        // checked here, before the upgrade; handshakes racing each other may pass together, by a few
        if (registry.size() >= config.limits().connectionsPerNode()) {
            response.setHeader("Retry-After", "1");
            refuse(response, ErrorCode.NODE_FULL, "This node holds " + config.limits().connectionsPerNode() + " connections");
            return;
        }
        if (registry.connectionCount(identity.user()) >= config.limits().connectionsPerUser()) {
            refuse(response, ErrorCode.TOO_MANY_CONNECTIONS,
                    "The user already holds " + config.limits().connectionsPerUser() + " connections on this node");
            return;
        }
        try {
            ConnectParameters.from(request::getParameter);
        } catch (ProtocolException e) {
            refuse(response, e.code(), e.getMessage());
            return;
        }
        chain.doFilter(new AuthenticatedRequest(request, identity), response);
    }

    private void refuse(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        traffic.error(code);
        ServletProblems.write(response, code, detail);
    }

    /**
     * The client's address: the configured proxy header if set and present (its last entry: the one our
     * proxy wrote; earlier ones come from the client), else the TCP peer.
     */
    private String clientAddress(HttpServletRequest request) {
        String forwarded = config.limits().clientIpHeader().map(request::getHeader).orElse(null);
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
        }
        return request.getRemoteAddr();
    }

    /** The header token if there is one, else the token of the ticket (used up), else the query token, else null. */
    private String bearerToken(HttpServletRequest request) throws InvalidTokenException {
        String header = request.getHeader("Authorization");
        if (header != null) {
            return BearerToken.of(header);
        }
        String ticket = request.getParameter(TICKET_PARAMETER);
        if (ticket != null) {
            return tickets.redeem(ticket);
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
