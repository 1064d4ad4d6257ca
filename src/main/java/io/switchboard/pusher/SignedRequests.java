package io.switchboard.pusher;

import io.switchboard.config.PusherSettings;
import java.util.Map;

/**
 * Checks a Pusher HTTP API request's signature as Pusher does: {@code auth_key} is the app's key,
 * {@code auth_version} is 1.0, {@code auth_timestamp} is within the tolerance of this node's clock,
 * {@code body_md5} matches a non-empty body, and {@code auth_signature} is the app secret's HMAC of
 * {@code METHOD\npath\nsorted query}. Every refusal is 401 with a message that says what to fix (never the
 * expected signature, which would let anyone sign with a guessed secret's help). Stateless.
 */
public final class SignedRequests {
    private SignedRequests() {
    }

    /**
     * Returns normally for a request signed by {@code app}'s secret; throws {@link PusherApiException} 401 otherwise.
     * {@code query} holds the request's query parameters as received (decoded), {@code body} its bytes (empty for GET).
     */
    public static void verify(PusherSettings settings, PusherSettings.App app, String method, String path,
            Map<String, String> query, byte[] body, long nowSeconds) {
        String key = query.get("auth_key");
        if (key == null || !key.equals(app.key())) {
            throw refused("auth_key is missing or not this app's key");
        }
        if (!"1.0".equals(query.get("auth_version"))) {
            throw refused("auth_version must be 1.0");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(query.getOrDefault("auth_timestamp", ""));
        } catch (NumberFormatException e) {
            throw refused("auth_timestamp is missing or not a number of seconds");
        }
        if (Math.abs(nowSeconds - timestamp) > settings.timestampToleranceSeconds()) {
            throw refused("Timestamp expired: given timestamp (" + timestamp + ") not within "
                    + settings.timestampToleranceSeconds() + "s of server time (" + nowSeconds + ")");
        }
        if (body.length > 0) {
            String md5 = query.get("body_md5");
            if (md5 == null || !PusherSignatures.same(PusherSignatures.bodyMd5(body), md5)) {
                throw refused("body_md5 is missing or is not the MD5 of the body");
            }
        }
        String expected = PusherSignatures.requestSignature(app.secret(), method, path, query);
        if (!PusherSignatures.same(expected, query.get("auth_signature"))) {
            throw refused("Invalid signature: auth_signature must be the hex HMAC-SHA256, with the app secret, of "
                    + "METHOD\\npath\\nquery (keys lower-cased and sorted, auth_signature left out)");
        }
    }

    private static PusherApiException refused(String message) {
        return new PusherApiException(401, message);
    }
}
