package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A real {@code redis-server} with a password and TLS (certificate from a local CA made by the shipped
 * {@code nginx/make-cert.sh}): the node's Redis client authenticates, verifies the server against
 * {@code switchboard.redis.tls.ca-file}, and refuses a wrong password or a server it cannot verify.
 */
class RedisSecurityIT {
    private static final String PASSWORD = "correct horse battery staple";
    private static final Path CERTS = Path.of("target", "redis-security-it", "certs");
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        Process certs = new ProcessBuilder("bash", "nginx/make-cert.sh", CERTS.toString()).inheritIO().start();
        assertTrue(certs.waitFor(60, TimeUnit.SECONDS) && certs.exitValue() == 0, "make-cert.sh");
        redis = RedisServer.start(Path.of("target", "redis-security-it", "data"), false, PASSWORD.replace(' ', '-'), CERTS);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static RedisClient client(SwitchboardConfig config) {
        return RedisFixtures.client(config);
    }

    @Test
    void authenticatesAndVerifiesTheServerOverTls() {
        RedisClient client = client(TestConfig.clusterWithRedisCa(redis.tlsUrl(), CERTS.resolve("ca.pem")));
        try {
            client.commands().set("tls-check", "ok");
            assertEquals("ok", client.commands().get("tls-check"));
            try (Jedis subscriber = client.subscriberConnection()) {
                assertEquals("PONG", subscriber.ping(), "the subscriber connection uses the same TLS and credentials");
            }
        } finally {
            client.close();
        }
    }

    @Test
    void authenticatesOverPlainTcpToo() {
        RedisClient client = client(TestConfig.cluster(redis.url(), "node-plain", 5000, 1000));
        try {
            assertEquals("PONG", client.commands().ping());
        } finally {
            client.close();
        }
    }

    @Test
    void refusesAWrongPassword() {
        String wrong = redis.tlsUrl().replace(PASSWORD.replace(' ', '-'), "guess");
        RedisClient client = client(TestConfig.clusterWithRedisCa(wrong, CERTS.resolve("ca.pem")));
        try {
            JedisException refused = assertThrows(JedisException.class, () -> client.commands().ping());
            assertTrue(String.valueOf(refused.getMessage()).contains("WRONGPASS")
                    || String.valueOf(refused.getCause()).contains("WRONGPASS"), String.valueOf(refused));
        } finally {
            client.close();
        }
    }

    @Test
    void refusesAServerItCannotVerify() {
        RedisClient client = client(TestConfig.cluster(redis.tlsUrl(), "node-untrusting", 5000, 1000));
        try {
            JedisException refused = assertThrows(JedisException.class, () -> client.commands().ping());
            Throwable cause = refused;
            while (cause != null && !(cause instanceof SSLHandshakeException)) {
                cause = cause.getCause();
            }
            assertTrue(cause != null, "a TLS handshake failure, not a silent plain connection: " + refused);
        } finally {
            client.close();
        }
    }
}
