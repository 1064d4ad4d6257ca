package io.switchboard.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.process.NginxProxy;
import io.switchboard.testing.process.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped nginx configuration against attacks on what it logs and exposes, with no node behind it
 * (every proxied request fails with 502, the case in which nginx writes request lines to its error log).
 */
class NginxHardeningE2E {
    private static final Path WORK = Path.of("target", "e2e-nginx-hardening");
    private static NginxProxy nginx;

    @BeforeAll
    static void start() throws Exception {
        URI nobody = URI.create("http://127.0.0.1:" + RedisServer.freePort() + "/");
        nginx = NginxProxy.start(WORK, List.of(nobody), List.of("--monitor-allow", "192.0.2.0/24,2001:db8::/32"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void keepsATokenInTheQueryOutOfEveryLogEvenWhenTheUpstreamFails() throws Exception {
        String secret = "eyJhbGciOiJSUzI1NiJ9.secret-payload.signature";
        assertEquals(502, nginx.api().get("ws?device=phone&token=" + secret).status());
        assertEquals(502, nginx.api().get("ws?ticket=used-once-anyway").status());
        Eventually.within(Duration.ofSeconds(5), "the failed ticket handshake is in the error log",
                () -> logs().contains("request: \"GET /ws?ticket=used-once-anyway"));
        String logs = logs();
        assertFalse(logs.contains("secret-payload"), "no token in any log:\n" + logs);
        assertTrue(logs.contains("GET /ws"), "the token handshake itself is in the access log (without its query)");
    }

    @Test
    void servesMetricsAndHealthOnlyToTheAllowList() {
        assertEquals(403, nginx.api().get("metrics").status());
        assertEquals(403, nginx.api().get("metrics?scope=application").status());
        assertEquals(403, nginx.api().get("health/ready").status());
        assertEquals(403, nginx.api().get("health").status());
        assertEquals(502, nginx.api().get("api/stats").status(), "the API is proxied (its own auth applies)");
    }

    private static String logs() {
        try {
            return nginx.logs();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
