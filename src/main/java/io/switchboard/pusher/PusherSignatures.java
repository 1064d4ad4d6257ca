package io.switchboard.pusher;

import io.switchboard.config.PusherSettings;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pusher's signatures, all hex HMAC-SHA256 with the app secret: a channel subscription's {@code auth}
 * ({@code key:HMAC("socket_id:channel[:channel_data]")}), a user sign-in's ({@code socket_id::user::user_data}),
 * and a signed HTTP API request's {@code auth_signature} over {@code METHOD\npath\nsorted query} with the
 * request body's MD5 in {@code body_md5}. Comparisons run in constant time. Stateless and thread-safe.
 */
public final class PusherSignatures {
    private static final HexFormat HEX = HexFormat.of();

    private PusherSignatures() {
    }

    /** The {@code auth} a client must present to subscribe {@code socketId} to a private or encrypted channel. */
    public static String channelAuth(PusherSettings.App app, String socketId, String channel) {
        return app.key() + ":" + hmacHex(app.secret(), socketId + ":" + channel);
    }

    /** The {@code auth} for a presence channel, signing the {@code channel_data} string exactly as sent. */
    public static String presenceAuth(PusherSettings.App app, String socketId, String channel, String channelData) {
        return app.key() + ":" + hmacHex(app.secret(), socketId + ":" + channel + ":" + channelData);
    }

    /** The {@code auth} of a {@code pusher:signin}: over {@code socket_id::user::user_data}. */
    public static String userAuth(PusherSettings.App app, String socketId, String userData) {
        return app.key() + ":" + hmacHex(app.secret(), socketId + "::user::" + userData);
    }

    /**
     * The {@code auth_signature} of an HTTP API request: over the upper-case method, the path and every query
     * parameter but {@code auth_signature}, keys lower-cased and sorted, joined as {@code key=value&...}
     * (values as received, not URL-encoded).
     */
    public static String requestSignature(String secret, String method, String path, Map<String, String> query) {
        Map<String, String> sorted = new TreeMap<>();
        query.forEach((key, value) -> {
            String lower = key.toLowerCase(Locale.ROOT);
            if (!lower.equals("auth_signature")) {
                sorted.put(lower, value);
            }
        });
        String params = sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        return hmacHex(secret, method.toUpperCase(Locale.ROOT) + "\n" + path + "\n" + params);
    }

    /** The hex MD5 of a request body, as {@code body_md5} carries it. */
    public static String bodyMd5(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** Whether two signatures (hex, or {@code key:hex}) are the same, in time that does not depend on where they differ. */
    public static boolean same(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    static String hmacHex(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
