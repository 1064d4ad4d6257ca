package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
    private static Process node;
    private static URI base;

    @BeforeAll
    static void startNode() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(WORK);
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("switchboard.launcher", "payara/launch.sh"),
                "--dev", "--port", String.valueOf(port),
                "--war", System.getProperty("switchboard.war", "target/switchboard.war"),
                "--workdir", WORK.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("console.log").toFile());
        builder.environment().put("SWITCHBOARD_DEV_KEY_DIR", WORK.resolve("dev-keys").toAbsolutePath().toString());
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        node = builder.start();
        base = URI.create("http://127.0.0.1:" + port + "/");
        ApiClient api = new ApiClient(base);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            assertTrue(node.isAlive(), "node exited during start-up; see " + WORK.resolve("console.log"));
            assertTrue(System.nanoTime() < deadline, "node not ready within 180 s; see " + WORK.resolve("console.log"));
            try {
                if (api.get("api/stats").status() == 401) {
                    break; // the app answers: deployed at /
                }
            } catch (AssertionError notYetListening) {
                // connection refused while Payara boots
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String devToken(ApiClient api, String user, String groups) {
        ApiClient.Reply reply = api.post("api/dev/tokens", "application/json",
                "{\"user\":\"" + user + "\",\"groups\":" + groups + "}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("token");
    }

    @Test
    void devTokensLetOneUserMessageAnother() throws IOException {
        ApiClient api = new ApiClient(base);
        try (WsClient alice = WsClient.connect(base, devToken(api, "alice", "[]"));
                WsClient bob = WsClient.connect(base, devToken(api, "bob", "[\"broadcast\"]"))) {
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
        String log = Files.readString(WORK.resolve("console.log"));
        assertFalse(log.contains("SEVERE"), "no SEVERE in the node's log");
    }
}
