package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.RawWsClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rooms on one node, through the deployed WAR: WebSocket commands, presence events, permissions from
 * token claims, limits, and the backend's room API. The container runs with open room defaults, at
 * most 3 rooms per connection and user lists capped at 3.
 */
class RoomsIT extends DeployedGatewayIT {
    private static final Duration QUIET = Duration.ofMillis(500);

    private static JsonObject join(WsClient client, String room) {
        client.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"" + room + "\"}");
        return client.next();
    }

    private static Set<String> users(JsonObject frame) {
        return Set.copyOf(frame.getJsonArray("users").getValuesAs(JsonString::getString));
    }

    @Test
    void joinsPublishesAndLeavesWithPresenceForTheOthers() throws Exception {
        String room = unique("lobby");
        String amy = unique("amy");
        String bob = unique("bob");
        try (WsClient amyWs = open(amy); WsClient bobWs = open(bob)) {
            JsonObject first = join(amyWs, room);
            assertEquals("joined", first.getString("type"));
            assertEquals("j", first.getString("id"));
            assertEquals(1, first.getInt("members"));
            assertEquals(Set.of(amy), users(first));

            JsonObject second = join(bobWs, room);
            assertEquals(2, second.getInt("members"));
            assertEquals(Set.of(amy, bob), users(second));
            JsonObject announced = amyWs.next();
            assertEquals("presence", announced.getString("type"));
            assertEquals(room, announced.getString("room"));
            assertEquals("join", announced.getString("event"));
            assertEquals(bob, announced.getString("user"));
            assertEquals(2, announced.getInt("members"));
            assertNull(bobWs.pollQuietly(QUIET), "the joiner is not told about itself");

            bobWs.send("{\"type\":\"publish\",\"id\":\"p\",\"room\":\"" + room + "\",\"content\":{\"text\":\"hi\"}}");
            JsonObject echoed = bobWs.next();
            JsonObject ack = bobWs.next();
            assertEquals("message", echoed.getString("type"));
            assertEquals("ack", ack.getString("type"));
            assertEquals(2, ack.getInt("delivered"));
            JsonObject delivered = amyWs.next();
            assertEquals(room, delivered.getString("room"));
            assertEquals(bob, delivered.getString("from"));
            assertEquals("hi", delivered.getJsonObject("content").getString("text"));
            assertEquals(ack.getString("messageId"), delivered.getString("id"));
            assertTrue(delivered.getJsonNumber("ts").longValue() > 0);

            bobWs.send("{\"type\":\"publish\",\"id\":\"q\",\"room\":\"" + room + "\",\"content\":2,\"echo\":false}");
            assertEquals(1, bobWs.next().getInt("delivered"), "echo off: only amy's connection");
            assertEquals(2, amyWs.next().getInt("content"));
            assertNull(bobWs.pollQuietly(QUIET), "no echo");

            bobWs.send("{\"type\":\"leave\",\"id\":\"l\",\"room\":\"" + room + "\"}");
            JsonObject left = bobWs.next();
            assertEquals("left", left.getString("type"));
            assertEquals("l", left.getString("id"));
            JsonObject gone = amyWs.next();
            assertEquals("leave", gone.getString("event"));
            assertEquals(bob, gone.getString("user"));
            assertEquals(1, gone.getInt("members"));
        }
    }

    @Test
    void announcesAUserWithManyTabsExactlyOnceOnJoinAndOnLeave() throws Exception {
        String room = unique("tabs");
        String watcher = unique("watcher");
        String bob = unique("bob");
        try (WsClient watching = open(watcher)) {
            join(watching, room);
            WsClient tab1 = open(bob);
            WsClient tab2 = open(bob);
            join(tab1, room);
            assertEquals("join", watching.next().getString("event"));
            assertEquals(2, join(tab2, room).getInt("members"), "same user: still two members");
            assertNull(watching.pollQuietly(QUIET), "second tab not announced");
            tab1.close();
            assertNull(watching.pollQuietly(QUIET), "one tab left: bob is still there");
            tab2.close();
            JsonObject leave = watching.next();
            assertEquals("leave", leave.getString("event"));
            assertEquals(1, leave.getInt("members"));
            assertNull(watching.pollQuietly(QUIET), "exactly one leave");
        }
    }

    @Test
    void announcesTheLeaveOfAConnectionTheHeartbeatReaps() throws Exception {
        String room = unique("reaped");
        String silent = unique("silent");
        try (WsClient watcher = open(unique("watcher"));
                RawWsClient dead = RawWsClient.connect(base(), TestTokens.valid(silent), 0)) {
            join(watcher, room);
            dead.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals(silent, watcher.next("presence").getString("user"));
            long silentSince = System.nanoTime();
            JsonObject leave = watcher.next("presence"); // it never answers pings: reaped after interval + timeout
            assertEquals("leave", leave.getString("event"));
            assertEquals(silent, leave.getString("user"));
            assertEquals(1, leave.getInt("members"));
            assertTrue(Duration.ofNanos(System.nanoTime() - silentSince).toMillis() >= 2500, "not before the heartbeat gave up");
        }
    }

    @Test
    void refusesJoinAndPublishTheTokenDoesNotAllowAndDeliversNothing() throws Exception {
        String open = unique("team") + ":open";
        String secret = unique("secret");
        String amy = unique("amy");
        String reader = unique("reader");
        try (WsClient member = open(amy);
                WsClient limited = WsClient.connect(base(), TestTokens.withRooms(reader, List.of(open.substring(0, open.length() - 4) + "*"), List.of()))) {
            assertEquals("welcome", limited.next().getString("type"));
            join(member, open);
            JsonObject denied = join(limited, secret);
            assertEquals("error", denied.getString("type"));
            assertEquals(403, denied.getInt("code"));
            assertEquals("forbidden", denied.getString("reason"));
            assertEquals("j", denied.getString("id"));

            assertEquals("joined", join(limited, open).getString("type"), "the prefix grant allows it");
            member.next("presence");
            limited.send("{\"type\":\"publish\",\"id\":\"p\",\"room\":\"" + open + "\",\"content\":\"nope\"}");
            JsonObject refused = limited.next();
            assertEquals(403, refused.getInt("code"));
            assertEquals("p", refused.getString("id"));
            assertNull(member.pollQuietly(QUIET), "nothing delivered");
        }
    }

    @Test
    void answersBadRoomNamesAndTheRoomLimitWithErrorsAndKeepsTheConnection() {
        try (WsClient client = open(unique("amy"))) {
            JsonObject bad = join(client, "no spaces");
            assertEquals(400, bad.getInt("code"));
            assertEquals("invalid-room", bad.getString("reason"));
            for (int i = 0; i < 3; i++) {
                assertEquals("joined", join(client, unique("r" + i)).getString("type"));
            }
            JsonObject tooMany = join(client, unique("r4"));
            assertEquals(400, tooMany.getInt("code"));
            assertEquals("too-many-rooms", tooMany.getString("reason"));
            client.send("{\"type\":\"leave\",\"id\":1,\"room\":\"never-joined\"}");
            JsonObject notMember = client.next();
            assertEquals(404, notMember.getInt("code"));
            assertEquals("not-member", notMember.getString("reason"));
            client.send("{\"type\":\"ping\",\"id\":2}");
            assertEquals("pong", client.next().getString("type"));
        }
    }

    @Test
    void backendsPublishQueryAndKickThroughTheApi() throws Exception {
        String room = unique("api");
        String amy = unique("amy");
        String bob = unique("bob");
        ApiClient api = api();
        try (WsClient amyWs = open(amy); WsClient bobPhone = open(bob); WsClient bobLaptop = open(bob)) {
            join(amyWs, room);
            join(bobPhone, room);
            amyWs.next("presence");
            join(bobLaptop, room);

            ApiClient.Reply published = api.postJson("api/rooms/" + room + "/messages", "{\"from\":\"svc\",\"content\":\"notice\"}");
            assertEquals(200, published.status(), published.body());
            assertEquals(3, published.json().getInt("delivered"));
            for (WsClient client : List.of(amyWs, bobPhone, bobLaptop)) {
                JsonObject message = client.next("message");
                assertEquals("notice", message.getString("content"));
                assertEquals("svc", message.getString("from"));
            }

            JsonObject snapshot = api.getApi("api/rooms/" + room).json();
            assertEquals(room, snapshot.getString("room"));
            assertEquals(2, snapshot.getInt("members"));
            assertEquals(Set.of(amy, bob), users(snapshot));

            JsonObject listed = api.getApi("api/rooms?limit=1000").json();
            assertTrue(listed.getJsonArray("rooms").stream().map(JsonObject.class::cast)
                    .anyMatch(entry -> entry.getString("room").equals(room) && entry.getInt("members") == 2), listed.toString());

            assertEquals(204, api.deleteApi("api/rooms/" + room + "/members/" + bob).status());
            for (WsClient tab : List.of(bobPhone, bobLaptop)) {
                JsonObject kicked = tab.next();
                assertEquals("left", kicked.getString("type"));
                assertEquals("kicked", kicked.getString("reason"));
            }
            JsonObject leave = amyWs.next();
            assertEquals("leave", leave.getString("event"));
            assertEquals(bob, leave.getString("user"));
            assertEquals(1, api.getApi("api/rooms/" + room).json().getInt("members"));
            assertTrue(api.stat("rooms") >= 1, "stats count this node's rooms");

            ApiClient.Reply again = api.deleteApi("api/rooms/" + room + "/members/" + bob);
            assertEquals(404, again.status());
            assertEquals("not-member", again.json().getString("code"));
            assertEquals(400, api.getApi("api/rooms/bad%20room").status());
            assertEquals(400, api.getApi("api/rooms?limit=0").status());
            assertEquals(401, api.get("api/rooms/" + room).status(), "backends only");
        }
    }

    @Test
    void keepsRoomHistoryForHistoryRequestsAndJoinsWithSince() throws Exception {
        String room = unique("history");
        try (WsClient amy = open(unique("amy"))) {
            join(amy, room);
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                amy.send("{\"type\":\"publish\",\"room\":\"" + room + "\",\"content\":" + i + ",\"echo\":false}");
                ids.add(amy.next("ack").getString("messageId"));
            }
            amy.send("{\"type\":\"history\",\"id\":\"h\",\"room\":\"" + room + "\",\"since\":\"" + ids.get(1) + "\"}");
            JsonObject history = amy.next("history");
            assertEquals("h", history.getString("id"));
            assertTrue(history.getBoolean("recovered"));
            assertEquals(List.of(2, 3), history.getJsonArray("messages").stream()
                    .map(m -> m.asJsonObject().getInt("content")).toList());
            assertEquals(ids.get(3), history.getJsonArray("messages").getJsonObject(1).getString("id"));

            try (WsClient bob = open(unique("bob"))) {
                bob.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":\"" + ids.get(0) + "\"}");
                JsonObject joined = bob.next();
                assertEquals("joined", joined.getString("type"));
                assertTrue(joined.getBoolean("recovered"));
                for (int i = 1; i < 4; i++) {
                    assertEquals(i, bob.next("message").getInt("content"), "missed messages after the reply, in order");
                }
                amy.send("{\"type\":\"publish\",\"room\":\"" + room + "\",\"content\":4}");
                assertEquals(4, bob.next("message").getInt("content"));
                assertNull(bob.pollQuietly(QUIET), "nothing twice");
            }
        }
        try (WsClient outsider = WsClient.connect(base(), TestTokens.withRooms(unique("eve"), List.of("other"), List.of()))) {
            outsider.next("welcome");
            outsider.send("{\"type\":\"history\",\"room\":\"" + room + "\"}");
            assertEquals(403, outsider.next("error").getInt("code"), "history needs the right to join");
        }
    }

    @Test
    void pagesThroughRoomsWithACursor() {
        String prefix = unique("page");
        try (WsClient client = open(unique("amy"))) {
            for (int i = 0; i < 3; i++) {
                join(client, prefix + "-" + i);
            }
            JsonObject first = api().getApi("api/rooms?limit=2&after=" + prefix).json();
            assertEquals(List.of(prefix + "-0", prefix + "-1"), first.getJsonArray("rooms").stream()
                    .map(entry -> entry.asJsonObject().getString("room")).toList());
            assertEquals(prefix + "-1", first.getString("next"));
            JsonObject second = api().getApi("api/rooms?limit=2&after=" + first.getString("next")).json();
            assertEquals(prefix + "-2", second.getJsonArray("rooms").getJsonObject(0).getString("room"));
        }
    }

    @Test
    void listsTheRoomsAClientMayJoinWithTheirMemberCounts() {
        String prefix = unique("list");
        String team = prefix + "-team";
        String other = prefix + "-other";
        String amy = unique("amy");
        try (WsClient one = open(amy); WsClient two = open(unique("bob"));
                WsClient limited = WsClient.connect(base(), TestTokens.withRooms(unique("eve"), List.of(team), List.of()))) {
            assertEquals("welcome", limited.next().getString("type"));
            join(one, team);
            join(two, team);
            one.next("presence");
            join(one, other);
            join(two, prefix + "-x"); // a third room, so the first page of two has a next one
            one.send("{\"type\":\"rooms\",\"id\":\"r\",\"after\":\"" + prefix + "\",\"limit\":2}");
            JsonObject page = one.next();
            assertEquals("rooms", page.getString("type"));
            assertEquals("r", page.getString("id"));
            assertEquals(List.of(other + "=1", team + "=2"), page.getJsonArray("rooms").stream()
                    .map(entry -> entry.asJsonObject().getString("room") + "=" + entry.asJsonObject().getInt("members")).toList());
            assertEquals(team, page.getString("next"));
            one.send("{\"type\":\"rooms\",\"after\":\"" + team + "\",\"limit\":1}");
            assertEquals(prefix + "-x", one.next().getJsonArray("rooms").getJsonObject(0).getString("room"));

            limited.send("{\"type\":\"rooms\",\"after\":\"" + prefix + "\",\"limit\":2}");
            assertEquals(List.of(team), limited.next().getJsonArray("rooms").stream()
                    .map(entry -> entry.asJsonObject().getString("room")).toList(), "only rooms the token may join");
        }
    }
}
