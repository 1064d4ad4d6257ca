package io.switchboard.api;

import io.switchboard.config.LimitSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.KeyedRateLimiter;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.security.BearerToken;
import io.switchboard.security.ConnectTickets;
import io.switchboard.security.Identity;
import io.switchboard.security.InvalidTokenException;
import io.switchboard.security.OriginPolicy;
import io.switchboard.security.TokenVerifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/tickets}: a client trades its token (in the {@code Authorization} header, never in the
 * URL) for a single-use connect ticket for {@code /ws?ticket=…}, valid {@code switchboard.tickets.ttl-ms}.
 * Any valid client token will do (this is not the backend API); a page from an origin outside
 * {@code switchboard.allowed-origins} is refused as at the handshake, and each user may ask as often as
 * it may open handshakes. A page on another origin may call it (CORS, for the allowed origins, or any
 * origin when none are configured: the token is the credential, never a cookie). Runs on a request
 * thread; in a cluster it writes the ticket to Redis.
 */
@Path("tickets")
@ApplicationScoped
public class TicketsResource {

    /** The answer: the ticket, and how long it stays usable. */
    public record Ticket(String ticket, long expiresInMs) {
    }

    @Inject
    TokenVerifier verifier;

    @Inject
    ConnectTickets tickets;

    @Inject
    SwitchboardConfig config;

    @Inject
    TrafficCounters traffic;

    private KeyedRateLimiter ticketsPerUser;
    private OriginPolicy origins;

    @PostConstruct
    void init() {
        LimitSettings limits = config.limits();
        ticketsPerUser = new KeyedRateLimiter(limits.handshakesPerSecondPerIp(), limits.handshakesBurstPerIp(),
                limits.trackedClients());
        origins = new OriginPolicy(config.allowedOrigins());
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response issue(@HeaderParam("Authorization") String authorization, @HeaderParam("Origin") String origin) {
        if (!origins.allows(origin)) {
            throw new ApiException(ErrorCode.FORBIDDEN_ORIGIN, "Origin '" + origin + "' may not connect");
        }
        String token = BearerToken.of(authorization);
        Identity identity;
        try {
            identity = verifier.verify(token);
        } catch (InvalidTokenException e) {
            traffic.error(ErrorCode.UNAUTHORIZED);
            return Response.fromResponse(Problems.response(ErrorCode.UNAUTHORIZED, e.getMessage()))
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"").build();
        }
        long waitMillis = ticketsPerUser.acquire(identity.user(), System.nanoTime());
        if (waitMillis > 0) {
            traffic.error(ErrorCode.RATE_LIMITED);
            return Response.fromResponse(Problems.response(ErrorCode.RATE_LIMITED, "Too many tickets for this user; retry later"))
                    .header("Retry-After", KeyedRateLimiter.retryAfterSeconds(waitMillis)).build();
        }
        return Response.ok(new Ticket(tickets.issue(token), config.auth().ticketTtl().toMillis()))
                .header("Cache-Control", "no-store").header("Access-Control-Allow-Origin", origin).header("Vary", "Origin").build();
    }

    /** The CORS preflight of a cross-origin ticket request (it carries an {@code Authorization} header). */
    @OPTIONS
    public Response preflight(@HeaderParam("Origin") String origin) {
        if (origin == null || !origins.allows(origin)) {
            return Response.noContent().build(); // no CORS headers: the browser refuses the request
        }
        return Response.noContent().header("Access-Control-Allow-Origin", origin).header("Vary", "Origin")
                .header("Access-Control-Allow-Methods", "POST").header("Access-Control-Allow-Headers", "Authorization")
                .header("Access-Control-Max-Age", "600").build();
    }
}
