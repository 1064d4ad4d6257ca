package io.switchboard.redis.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run atomically by Redis: by its SHA-1 ({@code EVALSHA}), falling back to sending the
 * text once when Redis does not know it yet (first use, or Redis restarted). Immutable.
 */
public final class RedisScript {
    private final String text;
    private final String sha1;

    public RedisScript(String text) {
        this.text = text;
        try {
            this.sha1 = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sha1() {
        return sha1;
    }

    public String text() {
        return text;
    }

    /** Runs the script; bulk strings come back as {@code String}, integers as {@code Long}, arrays as {@code List}. */
    public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(text, keys, args);
        }
    }
}
