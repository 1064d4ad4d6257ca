package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient.TokenIn;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The /ws handshake: only valid tokens, from the header or the query, get a socket. */
class HandshakeAuthIT extends DeployedGatewayIT {

    @Test
    void refusesEveryBadTokenWith401InHeaderAndQueryAndCreatesNoConnection() throws Exception {
        String user = unique("mallory");
        Map<String, String> badTokens = new LinkedHashMap<>();
        badTokens.put("missing", null);
        badTokens.putAll(TestTokens.badTokens(user));
        URI base = base();
        Executable[] checks = badTokens.entrySet().stream()
                .flatMap(bad -> java.util.stream.Stream.of(TokenIn.HEADER, TokenIn.QUERY).map(where -> (Executable) () ->
                        assertEquals(401, WsClient.refusedStatus(base, bad.getValue(), where),
                                bad.getKey() + " token in " + where)))
                .toArray(Executable[]::new);
        assertAll(checks);
        assertEquals(0, new ApiClient(base).connectionsOf(user), "a refused handshake must not register a connection");
    }

    @Test
    void connectsWithASingleUseTicketInsteadOfATokenInTheUrl() throws Exception {
        String user = unique("tess");
        ApiClient api = new ApiClient(base());
        ApiClient.Reply issued = api.post("api/tickets", null, "", "Authorization", "Bearer " + TestTokens.valid(user));
        assertEquals(200, issued.status(), issued.body());
        String ticket = issued.json().getString("ticket");
        assertEquals(43, ticket.length(), "256 random bits, base64url");
        assertEquals(30_000, issued.json().getInt("expiresInMs"));
        try (WsClient client = WsClient.connectWithQuery(base(), "ticket=" + ticket)) {
            JsonObject welcome = client.next();
            assertEquals("welcome", welcome.getString("type"));
            assertEquals(user, welcome.getString("user"));
        }
        assertEquals(401, WsClient.refusedStatusWithQuery(base(), "ticket=" + ticket), "used once only");
        assertEquals(401, WsClient.refusedStatusWithQuery(base(), "ticket=" + "A".repeat(43)), "never issued");
        ApiClient.Reply refused = api.get("ws?ticket=short");
        assertEquals("Unknown, expired or already used ticket", refused.json().getString("detail"));
        ApiClient.Reply noToken = api.post("api/tickets", null, "");
        assertEquals(401, noToken.status());
        assertEquals("unauthorized", noToken.json().getString("code"));
        assertEquals(401, api.post("api/tickets", null, "", "Authorization", "Bearer " + TestTokens.expired(user)).status());
    }

    @Test
    void answersRefusedHandshakeWithProblemJson() throws Exception {
        ApiClient.Reply reply = new ApiClient(base()).get("ws?token=" + TestTokens.expired("alice"));
        assertEquals(401, reply.status());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        JsonObject problem = reply.json();
        assertEquals("unauthorized", problem.getString("code"));
        assertEquals("Token expired", problem.getString("detail"));
    }

    @Test
    void welcomesClientsAuthenticatedByHeaderOrQuery() throws Exception {
        String user = unique("alice");
        ApiClient api = new ApiClient(base());
        try (WsClient byHeader = WsClient.connect(base(), TestTokens.valid(user), TokenIn.HEADER);
                WsClient byQuery = WsClient.connect(base(), TestTokens.valid(user), TokenIn.QUERY)) {
            JsonObject first = byHeader.next();
            JsonObject second = byQuery.next();
            for (JsonObject welcome : new JsonObject[] {first, second}) {
                assertEquals("welcome", welcome.getString("type"));
                assertEquals(user, welcome.getString("user"));
                assertEquals("it-node", welcome.getString("node"));
                assertEquals(1000, welcome.getInt("heartbeatMs"));
                UUID.fromString(welcome.getString("connectionId"));
            }
            assertFalse(first.getString("connectionId").equals(second.getString("connectionId")));
            assertEquals(2, api.connectionsOf(user));
        }
    }
}
