package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The connections to Redis from {@code switchboard.redis.url}: a pool for commands (thread-safe, shared
 * by every thread) and, on request, a dedicated connection for the subscriber. {@code rediss://} URLs
 * use TLS; user, password and database come from the URL.
 */
@ApplicationScoped
public class RedisClient {

    @Inject
    SwitchboardConfig config;

    private volatile JedisPooled pool;

    JedisPooled commands() {
        JedisPooled current = pool;
        if (current == null) {
            synchronized (this) {
                if (pool == null) {
                    ConnectionPoolConfig limits = new ConnectionPoolConfig();
                    limits.setMaxTotal(config.redisPoolMaxTotal());
                    limits.setMaxIdle(config.redisPoolMaxTotal());
                    // Never wait forever for a connection: a slow Redis must not pin every sender thread.
                    limits.setMaxWait(Duration.ofMillis(config.redisTimeoutMs()));
                    pool = new JedisPooled(limits, JedisURIHelper.getHostAndPort(url()),
                            clientConfig(config.redisTimeoutMs(), "switchboard:" + config.nodeId()));
                }
                current = pool;
            }
        }
        return current;
    }

    /**
     * Drops the pool's idle connections: after Redis restarted they are all broken, and the first command
     * on each would fail. Called when the subscriber has reconnected, before the relay counts as up.
     */
    void discardIdleConnections() {
        JedisPooled current = pool;
        if (current != null) {
            current.getPool().clear();
        }
    }

    /**
     * A new connection for the blocking subscribe loop; no read timeout (it waits for messages; the
     * watchdog pings it). Named {@code switchboard:<node>:subscriber} in {@code CLIENT LIST}.
     */
    Jedis subscriberConnection() {
        return new Jedis(JedisURIHelper.getHostAndPort(url()), clientConfig(0, "switchboard:" + config.nodeId() + ":subscriber"));
    }

    /**
     * Credentials, database and TLS from the URL ({@code redis[s]://[user:password@]host:port[/db]}); for
     * {@code rediss://}, the server certificate is checked against {@code switchboard.redis.tls.ca-file}
     * when set (a private CA), else against the JVM's trusted CAs. {@code socketTimeoutMs} 0 = no read timeout.
     * {@code name} is what {@code CLIENT LIST} shows, so operators can tell the nodes' connections apart.
     */
    private JedisClientConfig clientConfig(int socketTimeoutMs, String name) {
        URI uri = url();
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.redisTimeoutMs())
                .socketTimeoutMillis(socketTimeoutMs)
                .clientName(name)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri));
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            config.redisTlsCaFile().ifPresent(caFile -> builder.sslSocketFactory(PemTrust.socketFactory(caFile)));
            SSLParameters verifyHostName = new SSLParameters();
            verifyHostName.setEndpointIdentificationAlgorithm("HTTPS");
            builder.sslParameters(verifyHostName);
        }
        return builder.build();
    }

    private URI url() {
        return config.redisUrl().orElseThrow(() -> new IllegalStateException("switchboard.redis.url is not set"));
    }

    @PreDestroy
    void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
