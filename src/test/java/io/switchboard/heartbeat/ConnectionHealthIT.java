package io.switchboard.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.RawWsClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Dead and slow peers: a client that stops answering pings is reaped; a reader that stalls is cut as a
 * slow consumer while a healthy connection keeps receiving. The ITs run with a 1 s heartbeat interval,
 * 2 s timeout and a 64-frame send queue (arquillian.xml).
 */
class ConnectionHealthIT extends DeployedGatewayIT {
    private static final Duration INTERVAL_PLUS_TIMEOUT = Duration.ofMillis(3000);
    /** Two sweeps (1 s: Payara's minimum EJB timer period; one to ping, one to reap) plus slack on a busy CI box. */
    private static final Duration MARGIN = Duration.ofMillis(3500);

    @Test
    void reapsAClientThatStopsAnsweringPingsAndKeepsOneThatAnswers() throws Exception {
        String silent = unique("silent");
        String lively = unique("lively");
        ApiClient api = new ApiClient(base());
        try (RawWsClient dead = RawWsClient.connect(base(), TestTokens.valid(silent), 0);
                WsClient alive = WsClient.connect(base(), TestTokens.valid(lively))) {
            assertEquals("welcome", alive.next().getString("type"));
            assertTrue(dead.readFrame().text().contains("\"type\":\"welcome\""));
            assertEquals(1, api.connectionsOf(silent));
            long reapsBefore = api.stat("heartbeatReaps");
            Duration took = Eventually.within(INTERVAL_PLUS_TIMEOUT.plus(MARGIN), "silent connection reaped",
                    () -> api.connectionsOf(silent) == 0);
            assertTrue(took.compareTo(Duration.ofMillis(2500)) >= 0, "reaped too early: " + took);
            assertEquals(reapsBefore + 1, api.stat("heartbeatReaps"));
            assertEquals(4000, dead.awaitCloseCode(Duration.ofSeconds(5)), "heartbeat timeout close code");
            assertTrue(dead.pingsSeen() >= 1, "the server pinged before giving up");

            // The JDK client answers every ping: after several reap periods it is still connected.
            Thread.sleep(INTERVAL_PLUS_TIMEOUT.multipliedBy(2).toMillis());
            assertFalse(alive.isClosed());
            assertEquals(1, api.connectionsOf(lively));
            alive.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("pong", alive.next().getString("type"));
        }
    }

    @Test
    void cutsAStalledReaderAsSlowConsumerWhileOthersKeepReceiving() throws Exception {
        String slow = unique("slow");
        String fast = unique("fast");
        ApiClient api = new ApiClient(base());
        String padding = "p".repeat(32_000);
        try (RawWsClient stalled = RawWsClient.connect(base(), TestTokens.valid(slow), 4096);
                WsClient healthy = WsClient.connect(base(), TestTokens.valid(fast))) {
            assertEquals("welcome", healthy.next().getString("type"));
            long cutsBefore = api.stat("slowConsumerCuts");
            int sent = 0;
            // Bounded: socket buffers plus a 64-frame queue hold far fewer than 1000 frames of 32 KB.
            while (api.connectionsOf(slow) > 0) {
                assertTrue(sent < 1000, "stalled reader was never cut");
                // It still talks (so the heartbeat keeps it), it just never reads.
                stalled.sendText("{\"type\":\"ping\"}");
                ApiClient.Reply reply = api.postJson("api/messages", "{\"from\":\"feed\",\"to\":[\"" + slow + "\",\""
                        + fast + "\"],\"content\":{\"seq\":" + sent + ",\"pad\":\"" + padding + "\"}}");
                assertEquals(200, reply.status(), reply.body());
                // fast only reads (never sends): the pings queued behind its data keep it alive for the
                // seconds this takes, beyond interval + timeout
                assertEquals(1, reply.json().getJsonObject("delivered").getInt(fast, -1), reply.body());
                // The healthy reader gets every message, in order, while the stalled one falls behind.
                assertEquals(sent, healthy.next().getJsonObject("content").getInt("seq"));
                sent++;
            }
            assertEquals(cutsBefore + 1, api.stat("slowConsumerCuts"));
            // The close frame (4001) queues behind the unread data, and the container drops the TCP
            // connection rather than wait for a reader that is not reading: the peer sees 4001 only if it
            // drains that far before the teardown, else the socket just ends.
            int code = stalled.awaitCloseCode(Duration.ofSeconds(20));
            assertTrue(code == 4001 || code == -1, "slow consumer close: " + code);
            assertEquals(1, api.connectionsOf(fast));
        }
    }
}
