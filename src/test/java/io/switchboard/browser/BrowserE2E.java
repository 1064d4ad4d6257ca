package io.switchboard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.process.GatewayNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser client library ({@code /switchboard.js}) and the demo chat in real headless Chromium:
 * starts a development node (as {@code payara/run-dev.sh} does) and runs the Playwright tests under
 * {@code src/test/browser} against it with Node's test runner. Screenshots of failing tests land in
 * {@code target/browser-screenshots}.
 */
class BrowserE2E {
    private static final Path WORK = Path.of("target", "e2e-browser");
    private static final Path TESTS = Path.of("src", "test", "browser");
    private static final String API_KEY = "browser-test-key";
    private static GatewayNode node;

    @BeforeAll
    static void startNode() throws Exception {
        assertTrue(new File(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")).canExecute(),
                "chromium is needed (src/test/run-tests.sh installs Debian's package)");
        if (!Files.isDirectory(TESTS.resolve("node_modules").resolve("playwright-core"))
                || !Files.isDirectory(TESTS.resolve("node_modules").resolve("typescript"))) {
            assertEquals(0, run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 5), "npm ci");
        }
        node = GatewayNode.start(WORK, true, Map.of(
                "SWITCHBOARD_DEV_KEY_DIR", WORK.resolve("dev-keys").toAbsolutePath().toString(),
                "SWITCHBOARD_API_KEY", API_KEY,
                "SWITCHBOARD_AUTH_EXPIRY_GRACE_MS", "1000",
                "SWITCHBOARD_DEFLATE_ENABLED", "true",
                "SWITCHBOARD_STATS_LOG_INTERVAL_MS", "0"));
        node.awaitReady();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void clientLibraryAndDemoChatWorkInChromium() throws Exception {
        int exit = run(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec",
                "reconnect.test.mjs", "client.test.mjs", "chat.test.mjs", "types.test.mjs"), Map.of(
                        "SWITCHBOARD_URL", node.base().toString(),
                        "SWITCHBOARD_API_KEY", API_KEY,
                        "SCREENSHOT_DIR", Path.of("target", "browser-screenshots").toAbsolutePath().toString()), 10);
        assertEquals(0, exit, "browser tests failed (output above; screenshots in target/browser-screenshots)");
    }

    /** Runs a command in src/test/browser with its output on the build's console; returns its exit code. */
    private static int run(List<String> command, Map<String, String> env, int timeoutMinutes) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(TESTS.toFile()).inheritIO();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeoutMinutes + " min");
        }
        return process.exitValue();
    }
}
