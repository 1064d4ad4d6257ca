package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Token lifetime on open connections (arquillian.xml: 1 s heartbeat, {@code switchboard.auth.expiry-grace-ms=1000}):
 * an expired token is reported, then the connection is closed with 4101 unless the client sent a new
 * token of the same user in-band.
 */
class TokenLifetimeIT extends DeployedGatewayIT {

    private WsClient openWith(String token) {
        WsClient client = WsClient.connect(base(), token);
        assertEquals("welcome", client.next().getString("type"));
        return client;
    }

    private static String auth(Object id, String token) {
        return "{\"type\":\"auth\",\"id\":\"" + id + "\",\"token\":\"" + token + "\"}";
    }

    @Test
    void tellsAConnectionItsTokenExpiredThenClosesItAfterTheGrace() {
        String alice = unique("alice");
        try (WsClient client = WsClient.connect(base(), TestTokens.expiringIn(alice, 2))) {
            JsonObject welcome = client.next();
            long expiresAt = welcome.getJsonNumber("expiresAt").longValue();
            assertTrue(Math.abs(expiresAt - (System.currentTimeMillis() / 1000 + 2)) <= 2, welcome.toString());
            JsonObject notice = client.next();
            assertEquals("error", notice.getString("type"));
            assertEquals(401, notice.getInt("code"));
            assertEquals("token-expired", notice.getString("reason"));
            assertTrue(System.currentTimeMillis() / 1000 >= expiresAt, "not before the token expired");
            assertEquals(4101, client.awaitClose().code());
        }
    }

    @Test
    void keepsAConnectionThatRefreshesItsTokenInBand() throws Exception {
        String alice = unique("alice");
        try (WsClient client = openWith(TestTokens.expiringIn(alice, 2))) {
            client.send(auth("r1", TestTokens.valid(alice)));
            JsonObject ack = client.next();
            assertEquals("ack", ack.getString("type"), ack.toString());
            assertEquals("r1", ack.getString("id"));
            assertTrue(ack.getJsonNumber("expiresAt").longValue() > System.currentTimeMillis() / 1000 + 500);
            assertNull(client.pollQuietly(Duration.ofSeconds(4)), "no expiry notice after the refresh");
            client.send("{\"type\":\"ping\",\"id\":2}");
            assertEquals("pong", client.next().getString("type"));
        }
    }

    @Test
    void refusesBadRefreshTokensPreciselyAndKeepsTheConnection() {
        String alice = unique("alice");
        Map<String, String> bad = TestTokens.badTokens(alice);
        try (WsClient client = openWith(TestTokens.valid(alice))) {
            Executable[] checks = bad.entrySet().stream().map(token -> {
                client.send(auth(token.getKey(), token.getValue()));
                JsonObject refused = client.next();
                return (Executable) () -> {
                    assertEquals(401, refused.getInt("code"), token.getKey() + ": " + refused);
                    assertEquals("unauthorized", refused.getString("reason"), token.getKey());
                    assertEquals(token.getKey(), refused.getString("id"));
                };
            }).toArray(Executable[]::new);
            assertAll(checks);
            client.send("{\"type\":\"auth\",\"id\":\"none\"}");
            JsonObject missing = client.next();
            assertEquals("invalid-frame", missing.getString("reason"), missing.toString());
            client.send("{\"type\":\"ping\",\"id\":2}");
            assertEquals("pong", client.next().getString("type"), "still open on its first token");
        }
    }

    @Test
    void closesAConnectionThatPresentsAnotherUsersToken() {
        String alice = unique("alice");
        try (WsClient client = openWith(TestTokens.valid(alice))) {
            client.send(auth("x", TestTokens.valid(unique("mallory"))));
            JsonObject refused = client.next();
            assertEquals(403, refused.getInt("code"));
            assertEquals("user-mismatch", refused.getString("reason"));
            assertEquals(4102, client.awaitClose().code());
        }
    }
}
