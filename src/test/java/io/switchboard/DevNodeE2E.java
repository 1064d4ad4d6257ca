package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README command (1) end to end: {@code payara/launch.sh --dev} (what {@code payara/run-dev.sh} runs after
 * building) starts a node at context root /, the dev endpoint hands out tokens, and one user's client
 * messages another's.
 */
class DevNodeE2E {
    private static final Path WORK = Path.of("target", "e2e-dev-node");
    private static GatewayNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = GatewayNode.start(WORK, true,
                Map.of("SWITCHBOARD_DEV_KEY_DIR", WORK.resolve("dev-keys").toAbsolutePath().toString(),
                        "SWITCHBOARD_STATS_LOG_INTERVAL_MS", "1000"));
        node.awaitReady(); // assigned first, so @AfterAll stops it even if it never gets ready
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private static String devToken(ApiClient api, String user, String groups) {
        ApiClient.Reply reply = api.post("api/dev/tokens", "application/json",
                "{\"user\":\"" + user + "\",\"groups\":" + groups + "}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("token");
    }

    @Test
    void devTokensLetOneUserMessageAnother() throws Exception {
        ApiClient api = node.api();
        try (WsClient alice = WsClient.connect(node.base(), devToken(api, "alice", "[]"));
                WsClient bob = WsClient.connect(node.base(), devToken(api, "bob", "[\"broadcast\"]"))) {
            assertEquals("alice", alice.next().getString("user"));
            assertEquals("bob", bob.next().getString("user"));
            alice.send("{\"type\":\"message\",\"id\":1,\"to\":[\"bob\"],\"content\":\"hello from the README\"}");
            JsonObject ack = alice.next();
            assertEquals(1, ack.getJsonObject("delivered").getInt("bob"));
            JsonObject message = bob.next();
            assertEquals("alice", message.getString("from"));
            assertEquals("hello from the README", message.getString("content"));
        }
        assertTrue(Files.exists(WORK.resolve("dev-keys").resolve("dev-private.pem")), "dev key generated on first start");
        // the WAR's own settings are in force, although /health was polled while the node deployed (its thread
        // belongs to another module: the configuration once came up without them, one start in four)
        String payload = new String(java.util.Base64.getUrlDecoder().decode(devToken(api, "carol", "[]").split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("switchboard", jakarta.json.Json.createReader(new java.io.StringReader(payload)).readObject().getString("iss"),
                "mp.jwt.verify.issuer from META-INF/microprofile-config.properties: " + payload);
        for (String ttl : new String[] {"0", "2.5", "\"60\"", "86401", "18446744073709551621"}) {
            ApiClient.Reply refused = api.post("api/dev/tokens", "application/json", "{\"user\":\"x\",\"ttlSeconds\":" + ttl + "}");
            assertEquals(400, refused.status(), "ttlSeconds " + ttl + ": " + refused.body());
        }
        ApiClient.Reply shortLived = api.post("api/dev/tokens", "application/json", "{\"user\":\"x\",\"ttlSeconds\":60}");
        long lifetime = shortLived.json().getJsonNumber("expiresAt").longValue() - System.currentTimeMillis() / 1000;
        assertTrue(lifetime > 55 && lifetime <= 61, "a 60-second token: " + lifetime);
        assertFalse(node.log().contains("SEVERE"), "no SEVERE in the node's log");
        Eventually.within(java.time.Duration.ofSeconds(5), "the periodic counts line (every second here)", () -> {
            try {
                return node.log().contains(" connections, ") && node.log().contains(" delivered, ");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }
}
