/**
 * Who may do what: JWT verification at the handshake and on {@code auth} ({@code TokenVerifier}), bearer
 * tokens, connect tickets (the {@code TicketStore} port, in memory or in Redis), development keys and
 * tokens, allowed origins, room permissions from token claims ({@code RoomPolicy}). Depends on
 * {@code config} and {@code protocol}.
 */
package io.switchboard.security;
