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
    private volatile JedisPooled presencePool;

    /** The command pool shared by every request thread. */
    JedisPooled commands() {
        JedisPooled current = pool;
        if (current == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = newPool(config.redisPoolMaxTotal(), "switchboard:" + config.nodeId());
                }
                current = pool;
            }
        }
        return current;
    }

    /**
     * The presence writer's own connection (a pool of one, which reconnects by itself): the node's liveness
     * must never wait behind request threads for a pooled connection. When a connect storm held the shared
     * pool, each queued presence write waited the Redis timeout for one, the liveness write behind them
     * came too late, other nodes presumed this one dead, and it closed every client with 1012.
     */
    JedisPooled presenceCommands() {
        JedisPooled current = presencePool;
        if (current == null) {
            synchronized (this) {
                if (presencePool == null) {
                    presencePool = newPool(1, "switchboard:" + config.nodeId() + ":presence");
                }
                current = presencePool;
            }
        }
        return current;
    }

    private JedisPooled newPool(int size, String name) {
        ConnectionPoolConfig limits = new ConnectionPoolConfig();
        limits.setMaxTotal(size);
        limits.setMaxIdle(size);
        // Never wait forever for a connection: a slow Redis must not pin every sender thread.
        limits.setMaxWait(Duration.ofMillis(config.redisTimeoutMs()));
        return new JedisPooled(limits, JedisURIHelper.getHostAndPort(url()), clientConfig(config.redisTimeoutMs(), name));
    }

    /**
     * Drops the pool's idle connections: after Redis restarted they are all broken, and the first command
     * on each would fail. Called when the subscriber has reconnected, before the relay counts as up.
     */
    void discardIdleConnections() {
        for (JedisPooled current : new JedisPooled[] {pool, presencePool}) {
            if (current != null) {
                current.getPool().clear();
            }
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
        if (presencePool != null) {
            presencePool.close();
        }
    }
}
