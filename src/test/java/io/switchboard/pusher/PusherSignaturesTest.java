package io.switchboard.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pusher.rest.Pusher;
import io.switchboard.config.PusherSettings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signatures against Pusher's published worked examples (the HTTP API reference and the private channel
 * authorisation guide) and against what the official Java server library, pusher-http-java, signs.
 */
class PusherSignaturesTest {
    /** The app of Pusher's worked examples. */
    private static final PusherSettings.App DOCS_APP = new PusherSettings.App("3", "278d425bdf160c739803", "7ad3773142a6692b25b8");

    @Test
    void signsTheHttpApiReferencesWorkedExample() {
        byte[] body = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("ec365a775a4cd0599faeb73354201b6f", PusherSignatures.bodyMd5(body));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("auth_version", "1.0"); // any order: the signature sorts them
        query.put("body_md5", "ec365a775a4cd0599faeb73354201b6f");
        query.put("auth_timestamp", "1353088179");
        query.put("auth_key", "278d425bdf160c739803");
        query.put("auth_signature", "ignored: never signed");
        assertEquals("da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
                PusherSignatures.requestSignature(DOCS_APP.secret(), "POST", "/apps/3/events", query));
    }

    @Test
    void signsThePrivateChannelGuidesWorkedExample() {
        assertEquals("278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
                PusherSignatures.channelAuth(DOCS_APP, "1234.1234", "private-foobar"));
    }

    @Test
    void agreesWithTheOfficialJavaLibraryOnPrivateAndPresenceAuthorisations() {
        Pusher pusher = new Pusher(DOCS_APP.id(), DOCS_APP.key(), DOCS_APP.secret());
        JsonObject privateAuth = json(pusher.authenticate("1234.5678", "private-orders"));
        assertEquals(privateAuth.getString("auth"), PusherSignatures.channelAuth(DOCS_APP, "1234.5678", "private-orders"));

        JsonObject presence = json(pusher.authenticate("1234.5678", "presence-lobby",
                new com.pusher.rest.data.PresenceUser("alice", Map.of("name", "Alice"))));
        String channelData = presence.getString("channel_data");
        assertEquals(presence.getString("auth"), PusherSignatures.presenceAuth(DOCS_APP, "1234.5678", "presence-lobby", channelData));
        assertNotEquals(presence.getString("auth"),
                PusherSignatures.presenceAuth(DOCS_APP, "1234.5678", "presence-lobby", channelData.replace("Alice", "Mallory")),
                "the member data is signed");
    }

    @Test
    void comparesSignaturesWholly() {
        String auth = PusherSignatures.channelAuth(DOCS_APP, "1.2", "private-a");
        assertTrue(PusherSignatures.same(auth, auth));
        assertFalse(PusherSignatures.same(auth, PusherSignatures.channelAuth(DOCS_APP, "1.3", "private-a")), "another socket's");
        assertFalse(PusherSignatures.same(auth, auth.substring(0, auth.length() - 1)));
        assertFalse(PusherSignatures.same(auth, null));
    }

    @Test
    void signsAUserSignInOverTheSocketAndTheUserData() {
        String userData = "{\"id\":\"alice\"}";
        assertEquals(DOCS_APP.key() + ":" + PusherSignatures.hmacHex(DOCS_APP.secret(), "1.2::user::" + userData),
                PusherSignatures.userAuth(DOCS_APP, "1.2", userData));
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
