package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What two real nodes (Payara Micro, the built WAR) sharing a Redis must do as one gateway, whatever the
 * Redis: direct messages to every connection of a user on either node, disconnects, broadcasts, presence,
 * rooms with presence events and exact counts, and a killed node's users leaving once. Each subclass
 * starts its Redis (one server, a Redis Cluster) and the nodes, with {@link #contractSettings}, heartbeat
 * 1 s interval + {@link #HEARTBEAT_TIMEOUT}, into {@link #nodeA} and {@link #nodeB}; the tests run in order
 * (the SIGKILL of node B comes last, {@code @Order(7)}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class TwoNodeGatewayContract {
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration TWO_HEARTBEAT_TIMEOUTS = HEARTBEAT_TIMEOUT.multipliedBy(2);
    /** Rooms with more members than this get coalesced member counts instead of per-user presence events. */
    static final int PRESENCE_EVENTS_MAX_MEMBERS = 8;
    /** Set by the subclass before its tests run. */
    static GatewayNode nodeA;
    static GatewayNode nodeB;

    /** Settings (environment variables) both nodes need besides their Redis and heartbeat timeout. */
    static Map<String, String> contractSettings() {
        return Map.of("SWITCHBOARD_ROOMS_PRESENCE_EVENTS_MAX_MEMBERS", String.valueOf(PRESENCE_EVENTS_MAX_MEMBERS));
    }

    /** Redis' record of a room (its users and nodes hashes), for a failure message. */
    abstract String redisView(String room) throws java.io.IOException;

    static boolean ready(GatewayNode node) {
        return TwoNodeCluster.ready(node);
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    static WsClient open(GatewayNode node, String user, String... groups) {
        WsClient client = WsClient.connect(node.base(), TestTokens.valid(user, groups));
        JsonObject welcome = client.next();
        assertEquals("welcome", welcome.getString("type"));
        return client;
    }

    /** Waits until the presence registry shows {@code connections} for the user, seen from {@code node}. */
    static void awaitPresence(GatewayNode node, String user, int connections) {
        Eventually.within(Duration.ofSeconds(5), user + " has " + connections + " connections",
                () -> node.api().connectionsOf(user) == connections);
    }

    @Test
    @Order(1)
    void deliversAcrossNodesExactlyOncePerConnection() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsClient sender = open(nodeA, alice); WsClient bobOnA = open(nodeA, bob); WsClient bobOnB = open(nodeB, bob)) {
            awaitPresence(nodeA, bob, 2);
            sender.send("{\"type\":\"message\",\"id\":1,\"to\":[\"" + bob + "\"],\"content\":\"from a client on A\"}");
            JsonObject ack = sender.next();
            assertEquals(2, ack.getJsonObject("delivered").getInt(bob), ack.toString());
            ApiClient.Reply pushed = nodeB.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":\"from the API on B\"}");
            assertEquals(200, pushed.status(), pushed.body());
            assertEquals(2, pushed.json().getJsonObject("delivered").getInt(bob));
            for (WsClient device : List.of(bobOnA, bobOnB)) {
                assertEquals("from a client on A", device.next().getString("content"));
                assertEquals("from the API on B", device.next().getString("content"));
                assertNull(device.pollQuietly(Duration.ofMillis(500)), "each connection gets each message once");
            }
        }
    }
    @Test
    @Order(1)
    void relaysATransientMessageLiveAcrossNodesInTheSendersOrderAndNeverStoresIt() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient carolOnce = open(nodeB, carol)) {
            awaitPresence(nodeA, carol, 1); // carol is known to the gateway, then goes offline
        }
        awaitPresence(nodeA, carol, 0);
        try (WsClient sender = open(nodeA, alice); WsClient bobOnA = open(nodeA, bob); WsClient bobOnB = open(nodeB, bob)) {
            awaitPresence(nodeA, bob, 2);
            for (int i = 1; i <= 20; i++) { // stored and transient interleaved: one lane, one order
                String store = i % 2 == 0 ? "" : ",\"store\":false";
                sender.send("{\"type\":\"message\",\"id\":" + i + ",\"to\":[\"" + bob + "\",\"" + carol + "\"],\"content\":" + i + store + "}");
            }
            for (int i = 1; i <= 20; i++) {
                JsonObject ack = sender.next("ack");
                assertEquals(i, ack.getInt("id"), ack.toString());
                assertEquals(2, ack.getJsonObject("delivered").getInt(bob), ack.toString());
                assertEquals(List.of(carol), ack.getJsonArray("offline").getValuesAs(jakarta.json.JsonString::getString), ack.toString());
            }
            ApiClient.Reply pushed = nodeB.api().postJson("api/messages",
                    "{\"from\":\"svc\",\"to\":[\"" + bob + "\"],\"content\":21,\"store\":false}");
            assertEquals(200, pushed.status(), pushed.body());
            assertEquals(2, pushed.json().getJsonObject("delivered").getInt(bob), pushed.body());
            for (WsClient device : List.of(bobOnA, bobOnB)) {
                for (int i = 1; i <= 21; i++) {
                    assertEquals(i, device.next("message").getInt("content"), "in the sender's order");
                }
                assertNull(device.pollQuietly(Duration.ofMillis(300)), "each connection gets each message once");
            }
        }
        try (WsClient bobAgain = WsClient.connect(nodeB.base(), TestTokens.valid(bob), "since=0-0");
                WsClient carolAgain = WsClient.connect(nodeA.base(), TestTokens.valid(carol), "since=0-0")) {
            bobAgain.next("welcome");
            for (int i = 2; i <= 20; i += 2) {
                assertEquals(i, bobAgain.next("message").getInt("content"), "only the stored ones are replayed");
            }
            assertNull(bobAgain.pollQuietly(Duration.ofMillis(300)), "no transient message is replayed");
            carolAgain.next("welcome");
            for (int i = 2; i <= 20; i += 2) {
                assertEquals(i, carolAgain.next("message").getInt("content"), "stored while she was offline");
            }
            assertNull(carolAgain.pollQuietly(Duration.ofMillis(300)), "a transient message is not kept for the offline");
        }
    }

    @Test
    @Order(1)
    void disconnectsAUserOnEveryNodeFromEitherNode() throws Exception {
        String erin = unique("erin");
        try (WsClient erinOnA = open(nodeA, erin); WsClient erinOnB = open(nodeB, erin)) {
            awaitPresence(nodeA, erin, 2);
            ApiClient.Reply reply = nodeA.api().deleteApi("api/users/" + erin + "/connections");
            assertEquals(200, reply.status(), reply.body());
            assertEquals(2, reply.json().getInt("disconnected"), reply.body());
            assertEquals(4002, erinOnA.awaitClose().code());
            assertEquals(4002, erinOnB.awaitClose().code());
            awaitPresence(nodeB, erin, 0);
        }
    }
    @Test
    @Order(2)
    void broadcastsToBothNodesAndReportsPresenceClusterWide() throws Exception {
        String ops = unique("ops");
        String dana = unique("dana");
        try (WsClient broadcaster = open(nodeB, ops, "broadcast"); WsClient danaOnA = open(nodeA, dana);
                WsClient danaOnB = open(nodeB, dana)) {
            awaitPresence(nodeA, dana, 2);
            JsonObject presence = nodeA.api().get("api/users/" + dana + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
            assertTrue(presence.getBoolean("online"));
            assertEquals(Set.of("node-a", "node-b"), Set.copyOf(presence.getJsonArray("nodes").getValuesAs(
                    jakarta.json.JsonString::getString)));
            broadcaster.send("{\"type\":\"broadcast\",\"id\":\"b\",\"content\":\"everyone\"}");
            // This node's two connections are counted exactly; node A's as of its last heartbeat (≤ 1 s old).
            assertTrue(broadcaster.next("ack").getInt("delivered") >= 2);
            assertEquals("everyone", danaOnA.next().getString("content"));
            assertEquals("everyone", danaOnB.next().getString("content"));
        }
        awaitPresence(nodeA, dana, 0);
    }

    static JsonObject join(WsClient client, String room) {
        client.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"" + room + "\"}");
        return client.next("joined");
    }

    static JsonObject roomSeenFrom(GatewayNode node, String room) {
        return node.api().getApi("api/rooms/" + room).json();
    }
    @Test
    @Order(3)
    void roomsSpanBothNodesWithOnePresenceEventPerUser() throws Exception {
        String room = unique("lobby");
        String amy = unique("amy");
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient amyOnA = open(nodeA, amy); WsClient bobOnB = open(nodeB, bob);
                WsClient carolOnA = open(nodeA, carol); WsClient carolOnB = open(nodeB, carol)) {
            join(amyOnA, room);
            assertEquals(2, join(bobOnB, room).getInt("members"));
            JsonObject bobJoined = amyOnA.next("presence");
            assertEquals(bob, bobJoined.getString("user"));
            assertEquals("join", bobJoined.getString("event"));

            join(carolOnA, room);
            assertEquals(3, join(carolOnB, room).getInt("members"), "carol's second device on the other node");
            for (WsClient watcher : List.of(amyOnA, bobOnB)) {
                JsonObject carolJoined = watcher.next("presence");
                assertEquals(carol, carolJoined.getString("user"));
                assertEquals(3, carolJoined.getInt("members"));
                assertNull(watcher.pollQuietly(Duration.ofMillis(500)), "carol announced once, not per node or device");
            }
            assertEquals(3, roomSeenFrom(nodeB, room).getInt("members"));

            bobOnB.send("{\"type\":\"publish\",\"id\":\"p\",\"room\":\"" + room + "\",\"content\":\"hello\",\"echo\":false}");
            JsonObject helloAck = bobOnB.next("ack");
            assertEquals(3, helloAck.getInt("delivered"), "amy and carol's two devices, across both nodes");
            String helloId = helloAck.getString("messageId");
            for (WsClient member : List.of(amyOnA, carolOnA, carolOnB)) {
                JsonObject message = member.next("message");
                assertEquals("hello", message.getString("content"));
                assertEquals(room, message.getString("room"));
                assertNull(member.pollQuietly(Duration.ofMillis(300)), "exactly once per connection");
            }
            assertNull(bobOnB.pollQuietly(Duration.ofMillis(300)), "echo off");

            ApiClient.Reply published = nodeA.api().postJson("api/rooms/" + room + "/messages", "{\"from\":\"svc\",\"content\":\"api\"}");
            assertEquals(4, published.json().getInt("delivered"), published.body());
            for (WsClient member : List.of(amyOnA, bobOnB, carolOnA, carolOnB)) {
                assertEquals("api", member.next("message").getString("content"));
            }

            carolOnA.send("{\"type\":\"leave\",\"room\":\"" + room + "\"}");
            carolOnA.next("left");
            assertNull(amyOnA.pollQuietly(Duration.ofMillis(500)), "carol is still in through node B");
            carolOnB.close();
            JsonObject carolLeft = amyOnA.next("presence");
            assertEquals("leave", carolLeft.getString("event"));
            assertEquals(carol, carolLeft.getString("user"));
            assertEquals(2, carolLeft.getInt("members"));
            assertEquals(carol, bobOnB.next("presence").getString("user"));

            assertEquals(204, nodeA.api().deleteApi("api/rooms/" + room + "/members/" + bob).status(), "kick a user held by node B");
            assertEquals("kicked", bobOnB.next("left").getString("reason"));
            JsonObject bobLeft = amyOnA.next("presence");
            assertEquals(bob, bobLeft.getString("user"));
            assertEquals(1, bobLeft.getInt("members"));
            assertNull(amyOnA.pollQuietly(Duration.ofMillis(500)), "one leave for the kick");
            assertEquals(List.of(amy), roomSeenFrom(nodeB, room).getJsonArray("users").getValuesAs(jakarta.json.JsonString::getString));

            try (WsClient late = open(nodeB, unique("late"))) {
                late.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":\"" + helloId + "\"}");
                assertTrue(late.next("joined").getBoolean("recovered"));
                assertEquals("api", late.next("message").getString("content"), "room history is shared by the nodes");
            }
        }
    }
    /**
     * Past the presence-event limit, members on both nodes get the room's exact gateway-wide count (read
     * from Redis by the node where users joined) instead of one event per user, and the relay stays up.
     */
    @Test
    @Order(4)
    void givesMembersOfABigRoomCoalescedCountsOnBothNodes() throws Exception {
        String room = unique("big");
        int users = PRESENCE_EVENTS_MAX_MEMBERS + 4;
        List<WsClient> crowd = new ArrayList<>();
        try (WsClient watcherOnA = open(nodeA, unique("watcher")); WsClient watcherOnB = open(nodeB, unique("watcher"))) {
            join(watcherOnA, room);
            join(watcherOnB, room);
            for (int i = 2; i < users; i++) {
                WsClient member = open(i % 2 == 0 ? nodeA : nodeB, unique("crowd"));
                crowd.add(member);
                join(member, room);
            }
            for (WsClient watcher : List.of(watcherOnA, watcherOnB)) {
                while (true) {
                    JsonObject presence = watcher.next("presence");
                    if (!presence.containsKey("user") && presence.getInt("members") == users) {
                        break;
                    }
                    if (presence.containsKey("user")) {
                        assertTrue(presence.getInt("members") <= PRESENCE_EVENTS_MAX_MEMBERS,
                                "per-user events only up to the limit: " + presence);
                    }
                }
            }
            assertEquals(users, roomSeenFrom(nodeB, room).getInt("members"));
            assertTrue(ready(nodeA) && ready(nodeB), "reading the counts kept the relay up");
        } finally {
            crowd.forEach(WsClient::close);
        }
    }
    @Test
    @Order(4)
    void keepsRoomCountsExactThroughConcurrentChurnOnBothNodes() throws Exception {
        String room = unique("churn");
        List<WsClient> clients = new java.util.ArrayList<>();
        try {
            List<CompletableFuture<WsClient>> joining = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                GatewayNode node = i % 2 == 0 ? nodeA : nodeB;
                String user = "churner-" + (i / 2) + "-" + room; // 12 users with two connections each, one per node
                joining.add(CompletableFuture.supplyAsync(() -> {
                    WsClient client = open(node, user);
                    join(client, room);
                    return client;
                }));
            }
            for (CompletableFuture<WsClient> client : joining) {
                clients.add(client.get());
            }
            assertEquals(12, roomSeenFrom(nodeA, room).getInt("members"));
            // half the users lose both connections, a quarter one of two, at the same time, on both nodes
            List<CompletableFuture<Void>> leaving = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int user = i / 2;
                if (user < 6 || (user < 9 && i % 2 == 0)) {
                    WsClient client = clients.get(i);
                    leaving.add(CompletableFuture.runAsync(client::close));
                }
            }
            CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get();
            try {
                Eventually.within(Duration.ofSeconds(10), "6 users left in the room",
                        () -> roomSeenFrom(nodeB, room).getInt("members") == 6);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; room: " + roomSeenFrom(nodeB, room) + "; redis: "
                        + redisView(room), e);
            }
            Thread.sleep(500);
            assertEquals(6, roomSeenFrom(nodeA, room).getInt("members"), "and it stays exact");
        } finally {
            clients.forEach(WsClient::close);
        }
    }
    @Test
    @Order(7)
    void aKilledNodesUsersGoOfflineAndLeaveTheirRoomsOnceWithinTwoHeartbeatTimeouts() throws Exception {
        String room = unique("crash");
        String carol = unique("carol");
        String dave = unique("dave");
        String watcher = unique("watcher");
        WsClient watching = open(nodeA, watcher);
        join(watching, room);
        WsClient carolOnB = open(nodeB, carol);
        WsClient daveOnA = open(nodeA, dave);
        WsClient daveOnB = open(nodeB, dave);
        join(carolOnB, room);
        join(daveOnA, room);
        join(daveOnB, room);
        assertEquals(carol, watching.next("presence").getString("user"));
        assertEquals(dave, watching.next("presence").getString("user"));
        awaitPresence(nodeA, carol, 1);

        long killedAt = System.nanoTime();
        nodeB.kill();
        JsonObject left = watching.next("presence");
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
        assertEquals("leave", left.getString("event"));
        assertEquals(carol, left.getString("user"), "dave is still in the room through node A");
        assertEquals(2, left.getInt("members"));
        assertTrue(took.compareTo(TWO_HEARTBEAT_TIMEOUTS) <= 0, "left after " + took);
        assertNull(watching.pollQuietly(Duration.ofSeconds(2)), "exactly one leave, and none for dave");
        assertEquals(Set.of(watcher, dave), Set.copyOf(roomSeenFrom(nodeA, room).getJsonArray("users")
                .getValuesAs(jakarta.json.JsonString::getString)));
        assertEquals(0, nodeA.api().connectionsOf(carol));
        JsonObject presence = nodeA.api().get("api/users/" + carol + "/presence", "X-Api-Key", ApiClient.API_KEY).json();
        assertFalse(presence.getBoolean("online"), "after " + took);
        watching.close();
        daveOnA.close();
        CompletableFuture.runAsync(carolOnB::close);
        CompletableFuture.runAsync(daveOnB::close);
    }
}
