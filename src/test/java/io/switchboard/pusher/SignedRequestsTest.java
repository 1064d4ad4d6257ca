package io.switchboard.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pusher.rest.PusherAbstract;
import io.switchboard.config.PusherSettings;
import io.switchboard.config.TestConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests as pusher-http-java 1.3.4 signs them (its own signing, captured before they would be sent) pass;
 * each way of getting a request wrong is refused with 401.
 */
class SignedRequestsTest {
    private static final PusherSettings SETTINGS = TestConfig.with("switchboard.pusher.apps", "42:app-key:app-secret").pusher();
    private static final PusherSettings.App APP = SETTINGS.byId("42").orElseThrow();

    /** The official library, its HTTP calls captured instead of made. */
    private static final class Captured extends PusherAbstract<Object> {
        URI uri;
        String body = "";

        Captured(String secret) {
            super(APP.id(), APP.key(), secret);
        }

        @Override
        protected Object doGet(URI uri) {
            this.uri = uri;
            return null;
        }

        @Override
        protected Object doPost(URI uri, String body) {
            this.uri = uri;
            this.body = body;
            return null;
        }

        Map<String, String> query() {
            Map<String, String> query = new LinkedHashMap<>();
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return query;
        }

        byte[] bodyBytes() {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static long now(Captured request) {
        return Long.parseLong(request.query().get("auth_timestamp"));
    }

    private static void verify(Captured request, String method, Map<String, String> query, byte[] body, long now) {
        SignedRequests.verify(SETTINGS, APP, method, request.uri.getPath(), query, body, now);
    }

    @Test
    void acceptsATriggerAndAQueryAsTheOfficialLibrarySignsThem() {
        Captured trigger = new Captured(APP.secret());
        trigger.trigger(List.of("orders", "private-audit"), "created", Map.of("id", 7, "note", "a \"quoted\" é"), "123.456");
        assertEquals("/apps/42/events", trigger.uri.getPath());
        verify(trigger, "POST", trigger.query(), trigger.bodyBytes(), now(trigger));

        Captured query = new Captured(APP.secret());
        query.get("/channels", Map.of("filter_by_prefix", "presence-", "info", "user_count"));
        verify(query, "GET", query.query(), new byte[0], now(query) + SETTINGS.timestampToleranceSeconds());
    }

    @Test
    void refusesAnotherSecretAnotherKeyATamperedBodyOrParameterAStaleClockAndAnotherVersion() {
        Captured forged = new Captured("not-the-secret");
        forged.trigger("orders", "created", Map.of("id", 1));
        assertRefused(() -> verify(forged, "POST", forged.query(), forged.bodyBytes(), now(forged)), "Invalid signature");

        Captured good = new Captured(APP.secret());
        good.trigger("orders", "created", Map.of("id", 1));
        long now = now(good);
        byte[] tampered = good.body.replace("\\\"id\\\":1", "\\\"id\\\":2").getBytes(StandardCharsets.UTF_8);
        assertRefused(() -> verify(good, "POST", good.query(), tampered, now), "body_md5");
        Map<String, String> otherKey = new LinkedHashMap<>(good.query());
        otherKey.put("auth_key", "someone-else");
        assertRefused(() -> verify(good, "POST", otherKey, good.bodyBytes(), now), "auth_key");
        Map<String, String> extra = new LinkedHashMap<>(good.query());
        extra.put("socket_id", "1.2"); // a parameter added after signing
        assertRefused(() -> verify(good, "POST", extra, good.bodyBytes(), now), "Invalid signature");
        assertRefused(() -> verify(good, "GET", good.query(), good.bodyBytes(), now), "Invalid signature");
        assertRefused(() -> verify(good, "POST", good.query(), good.bodyBytes(), now + 601), "Timestamp expired");
        assertRefused(() -> verify(good, "POST", good.query(), good.bodyBytes(), now - 601), "Timestamp expired");
        Map<String, String> version = new LinkedHashMap<>(good.query());
        version.put("auth_version", "2.0");
        assertRefused(() -> verify(good, "POST", version, good.bodyBytes(), now), "auth_version");
        Map<String, String> unsigned = new LinkedHashMap<>(good.query());
        unsigned.remove("auth_signature");
        assertRefused(() -> verify(good, "POST", unsigned, good.bodyBytes(), now), "Invalid signature");
    }

    private static void assertRefused(Runnable call, String messagePart) {
        PusherApiException refused = assertThrows(PusherApiException.class, call::run);
        assertEquals(401, refused.status());
        assertTrue(refused.getMessage().contains(messagePart), refused.getMessage());
    }
}
