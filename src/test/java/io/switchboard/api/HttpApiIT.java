package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient.Reply;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend HTTP API: push to users and everyone, presence, auth, problem+json errors. */
class HttpApiIT extends DeployedGatewayIT {

    private static void assertProblem(Reply reply, int status, String code) {
        assertAll(reply.body(),
                () -> assertEquals(status, reply.status()),
                () -> assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType()),
                () -> assertEquals(status, reply.json().getInt("status")),
                () -> assertEquals(code, reply.json().getString("code")),
                () -> assertFalse(reply.json().getString("detail").isBlank()),
                () -> assertFalse(reply.body().contains("Exception"), "no stack traces"));
    }

    @Test
    void pushesToEveryConnectionOfOnlineUsersAndReportsOfflineOnes() throws Exception {
        String bob = unique("bob");
        String carol = unique("carol");
        ApiClient api = new ApiClient(base());
        try (WsClient phone = open(bob); WsClient laptop = open(bob)) {
            Reply reply = api.postJson("api/messages",
                    "{\"from\":\"billing\",\"to\":[\"" + bob + "\",\"" + carol + "\"],\"content\":{\"invoice\":17}}");
            assertEquals(200, reply.status(), reply.body());
            JsonObject accepted = reply.json();
            assertEquals(Json.createObjectBuilder().add(bob, 2).build(), accepted.getJsonObject("delivered"));
            assertEquals(Json.createArrayBuilder().add(carol).build(), accepted.getJsonArray("offline"));
            for (WsClient device : List.of(phone, laptop)) {
                JsonObject message = device.next();
                assertEquals("message", message.getString("type"));
                assertEquals(accepted.getString("messageId"), message.getString("id"));
                assertEquals("billing", message.getString("from"));
                assertEquals(17, message.getJsonObject("content").getInt("invoice"));
            }
        }
    }

    @Test
    void acceptsBackendTokensWithTheBackendGroupAndRefusesOthers() throws Exception {
        String bob = unique("bob");
        ApiClient api = new ApiClient(base());
        String body = "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":1}";
        try (WsClient client = open(bob)) {
            Reply ok = api.post("api/messages", "application/json", body,
                    "Authorization", "Bearer " + TestTokens.valid("svc", "backend"));
            assertEquals(200, ok.status(), ok.body());
            assertEquals(1, client.next().getInt("content"));
        }
        assertProblem(api.post("api/messages", "application/json", body,
                "Authorization", "Bearer " + TestTokens.valid("svc", "users")), 403, "forbidden");
        assertProblem(api.post("api/messages", "application/json", body), 401, "unauthorized");
        assertProblem(api.post("api/messages", "application/json", body, "X-Api-Key", "wrong"), 401, "unauthorized");
        assertProblem(api.post("api/messages", "application/json", body,
                "Authorization", "Bearer " + TestTokens.expired("svc")), 401, "unauthorized");
        assertProblem(api.post("api/messages", "application/json", body,
                "Authorization", "Bearer " + TestTokens.signedByOtherKey("svc")), 401, "unauthorized");
        assertProblem(api.get("api/users/" + bob + "/presence"), 401, "unauthorized");
        assertProblem(api.post("api/broadcast", "application/json", "{\"from\":\"x\",\"content\":1}"), 401, "unauthorized");
    }

    @Test
    void refusesBadBodiesWithPreciseProblems() throws Exception {
        ApiClient api = new ApiClient(base());
        assertProblem(api.postJson("api/messages", "{\"from\":\"svc\",\"to\":[\"bob\"],"), 400, "invalid-json");
        assertProblem(api.postJson("api/messages", ""), 400, "invalid-json");
        assertProblem(api.postJson("api/messages", "{\"to\":[\"bob\"],\"content\":1}"), 400, "invalid-frame");
        assertProblem(api.postJson("api/messages", "{\"from\":\"svc\",\"to\":\"bob\",\"content\":1}"), 400, "invalid-frame");
        assertProblem(api.postJson("api/messages", "{\"from\":\"svc\",\"to\":[\"bob\"]}"), 400, "invalid-frame");
        assertProblem(api.postJson("api/messages",
                "{\"from\":\"svc\",\"to\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"],\"content\":1}"), 400, "too-many-recipients");
        assertProblem(api.postJson("api/messages",
                "{\"from\":\"svc\",\"to\":[\"bob\"],\"content\":\"" + "x".repeat(70_000) + "\"}"), 413, "too-large");
        assertProblem(api.post("api/messages", "text/plain", "{}", "X-Api-Key", ApiClient.API_KEY), 415, "unsupported-media-type");
        assertProblem(api.get("api/nowhere", "X-Api-Key", ApiClient.API_KEY), 404, "not-found");
        assertProblem(api.get("api/messages", "X-Api-Key", ApiClient.API_KEY), 405, "method-not-allowed");
    }

    @Test
    void broadcastsToEveryConnection() throws Exception {
        ApiClient api = new ApiClient(base());
        try (WsClient first = open(unique("u")); WsClient second = open(unique("v"))) {
            Reply reply = api.postJson("api/broadcast", "{\"from\":\"ops\",\"content\":\"maintenance at 5\"}");
            assertEquals(200, reply.status(), reply.body());
            assertTrue(reply.json().getInt("delivered") >= 2);
            for (WsClient client : List.of(first, second)) {
                JsonObject frame = client.next();
                assertEquals("broadcast", frame.getString("type"));
                assertEquals("ops", frame.getString("from"));
                assertEquals(reply.json().getString("messageId"), frame.getString("id"));
            }
        }
    }

    @Test
    void reportsPresence() throws Exception {
        String bob = unique("bob");
        ApiClient api = new ApiClient(base());
        JsonObject offline = api.get("api/users/" + bob + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
        assertEquals(Json.createObjectBuilder().add("connections", 0).add("nodes", Json.createArrayBuilder())
                .add("online", false).add("user", bob).build(), offline);
        try (WsClient one = open(bob); WsClient two = open(bob)) {
            JsonObject online = api.get("api/users/" + bob + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
            assertTrue(online.getBoolean("online"));
            assertEquals(2, online.getInt("connections"));
            assertEquals(Json.createArrayBuilder().add("it-node").build(), online.getJsonArray("nodes"));
        }
    }

    @Test
    void hidesTheDevTokenEndpointUnlessEnabled() throws Exception {
        Reply reply = new ApiClient(base()).post("api/dev/tokens", "application/json", "{\"user\":\"alice\"}");
        assertProblem(reply, 404, "not-found");
    }

    @Test
    void hidesTheDemoPageUnlessDevTokensAreEnabledButAlwaysServesTheClientLibrary() throws Exception {
        ApiClient api = new ApiClient(base());
        assertProblem(api.get(""), 404, "not-found");
        assertProblem(api.get("index.html"), 404, "not-found");
        assertProblem(api.get("demo/demo.js"), 404, "not-found");
        Reply library = api.get("switchboard.js");
        assertEquals(200, library.status());
        assertTrue(library.contentType().startsWith("text/javascript")
                || library.contentType().startsWith("application/javascript"), library.contentType());
        assertTrue(library.body().contains("export function connect("), "the ES module");
    }

    @Test
    void disconnectsEveryConnectionOfTheUserAskingThemToReconnect() throws Exception {
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient one = open(bob); WsClient two = open(bob); WsClient other = open(carol)) {
            Reply reply = api().deleteApi("api/users/" + bob + "/connections");
            assertEquals(200, reply.status(), reply.body());
            assertEquals(Json.createObjectBuilder().add("disconnected", 2).add("user", bob).build(), reply.json());
            assertEquals(4002, one.awaitClose().code());
            assertEquals(4002, two.awaitClose().code());
            other.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("pong", other.next().getString("type"), "other users keep their connections");
        }
        assertEquals(0, api().deleteApi("api/users/" + bob + "/connections").json().getInt("disconnected"));
    }

    @Test
    void signsAUserOutWithACloseCodeThatForbidsReconnecting() throws Exception {
        String bob = unique("bob");
        try (WsClient one = open(bob)) {
            assertProblem(api().deleteApi("api/users/" + bob + "/connections?reconnect=maybe"), 400, "invalid-frame");
            Reply reply = api().deleteApi("api/users/" + bob + "/connections?reconnect=false");
            assertEquals(1, reply.json().getInt("disconnected"), reply.body());
            assertEquals(4100, one.awaitClose().code());
        }
    }
}
