package io.switchboard.redis.client;

import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis' master took a write but fewer replicas than {@code switchboard.redis.wait.replicas} confirmed it
 * within {@code switchboard.redis.wait.timeout-ms}: a failover now could lose it, so it is not acknowledged.
 */
public final class NotReplicatedException extends JedisException {
    private static final long serialVersionUID = 1L;

    public NotReplicatedException(long confirmed, int required, int timeoutMs) {
        super(confirmed + " of " + required + " required Redis replicas confirmed the write within " + timeoutMs + " ms");
    }
}
