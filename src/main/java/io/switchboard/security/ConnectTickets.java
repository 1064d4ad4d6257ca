package io.switchboard.security;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Single-use connect tickets, so that a browser never puts its token in a URL: {@code POST /api/tickets}
 * with the token in the {@code Authorization} header gets a random ticket (256 bits), and the WebSocket
 * handshake {@code /ws?ticket=…} redeems it once, within {@code switchboard.tickets.ttl-ms}. A ticket
 * that leaks into a log is worthless: it was used, or it expired seconds later. The ticket stands for the
 * token it was issued for, which the handshake verifies again (it may expire meanwhile). Thread-safe.
 */
@ApplicationScoped
public class ConnectTickets {
    private final SecureRandom random = new SecureRandom();

    @Inject
    TicketStore store;

    @Inject
    SwitchboardConfig config;

    /** A new ticket for {@code token} (already verified by the caller). */
    public String issue(String token) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.put(ticket, token, config.auth().ticketTtl());
        return ticket;
    }

    /** The token the ticket was issued for; the ticket is used up. */
    public String redeem(String ticket) throws InvalidTokenException {
        if (ticket.length() != 43) {
            throw new InvalidTokenException("Unknown, expired or already used ticket");
        }
        return store.take(ticket).orElseThrow(() -> new InvalidTokenException("Unknown, expired or already used ticket"));
    }
}
