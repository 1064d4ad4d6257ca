package io.switchboard.socket;

import static io.switchboard.testing.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.ClientDeflate;
import io.switchboard.testing.client.RawWsClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.DeployedGatewayIT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate on Payara (arquillian.xml turns it on, threshold 256 bytes), driven by a bare-socket
 * client that compresses and inflates with java.util.zip: the negotiation, both directions, fragments, and
 * what a decompression bomb or corrupt data costs (its own connection, nobody else's).
 */
class DeflateIT extends DeployedGatewayIT {
    private static final String BROWSER_OFFER = "permessage-deflate; client_max_window_bits";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private RawWsClient compressing(String user) throws IOException, DataFormatException {
        RawWsClient client = RawWsClient.connect(base(), TestTokens.valid(user), 0, BROWSER_OFFER);
        assertEquals("welcome", json(client.readFrame()).getString("type"));
        return client;
    }

    private static JsonObject json(RawWsClient.Frame frame) throws DataFormatException {
        byte[] payload = frame.compressed() ? ClientDeflate.inflate(frame.payload()) : frame.payload();
        return Json.createReader(new StringReader(new String(payload, StandardCharsets.UTF_8))).readObject();
    }

    private static String bigText(int bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < bytes; i++) {
            text.append("row ").append(i).append(": price 101.25, volume 3000; ");
        }
        return text.toString();
    }

    @Test
    void negotiatesPermessageDeflateWithoutContextTakeover() throws IOException {
        try (RawWsClient client = RawWsClient.connect(base(), TestTokens.valid(unique("ann")), 0, BROWSER_OFFER)) {
            assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                    client.extensions());
        }
        // a window the JDK cannot compress for is declined; the connection works uncompressed
        try (RawWsClient client = RawWsClient.connect(base(), TestTokens.valid(unique("ann")), 0,
                "permessage-deflate; server_max_window_bits=10")) {
            assertNull(client.extensions());
            client.sendText("{\"type\":\"ping\",\"id\":\"p\"}");
            client.readFrame(); // welcome
            RawWsClient.Frame pong = client.readFrame();
            assertFalse(pong.compressed());
            assertTrue(pong.text().contains("\"pong\""), pong.text());
        }
    }

    @Test
    void compressesLargeFramesAndSendsSmallOnesAsTheyAre() throws Exception {
        String user = unique("dana");
        String content = bigText(8000);
        try (RawWsClient client = compressing(user)) {
            ApiClient.Reply reply = api().postJson("api/messages", Json.createObjectBuilder().add("from", "feed")
                    .add("to", Json.createArrayBuilder().add(user)).add("content", content).build().toString());
            assertEquals(200, reply.status(), reply.body());
            RawWsClient.Frame big = client.readFrame();
            assertTrue(big.compressed());
            assertTrue(big.payload().length < content.length() / 3, "compressed to " + big.payload().length);
            assertEquals(content, json(big).getString("content"));

            api().postJson("api/messages", "{\"from\":\"feed\",\"to\":[\"" + user + "\"],\"content\":\"short\"}");
            RawWsClient.Frame small = client.readFrame();
            assertFalse(small.compressed(), "under the 256-byte threshold");
            assertEquals("short", json(small).getString("content"));
        }
    }

    @Test
    void inflatesCompressedClientFramesWholeOrInFragments() throws Exception {
        String sender = unique("eve");
        String recipient = unique("finn");
        String content = bigText(3000);
        byte[] message = ("{\"type\":\"message\",\"id\":\"m1\",\"to\":[\"" + recipient + "\"],\"content\":\"" + content
                + "\"}").getBytes(StandardCharsets.UTF_8);
        try (RawWsClient client = compressing(sender); WsClient plain = open(recipient)) {
            client.sendFrame(true, true, RawWsClient.OP_TEXT, ClientDeflate.deflate(message));
            assertEquals("ack", json(client.readFrame()).getString("type"));
            assertEquals(content, plain.next("message").getString("content"));

            byte[] wire = ClientDeflate.deflate(message);
            int third = wire.length / 3;
            client.sendFrame(false, true, RawWsClient.OP_TEXT, Arrays.copyOfRange(wire, 0, third));
            client.sendFrame(false, false, RawWsClient.OP_CONTINUATION, Arrays.copyOfRange(wire, third, 2 * third));
            client.sendFrame(true, false, RawWsClient.OP_CONTINUATION, Arrays.copyOfRange(wire, 2 * third, wire.length));
            assertEquals("ack", json(client.readFrame()).getString("type"));
            assertEquals(content, plain.next("message").getString("content"));
        }
        String metrics = new ApiClient(base()).get("metrics").body();
        double inRaw = sample(metrics, "switchboard_deflate_bytes_total", "direction=\"in\"", "form=\"raw\"");
        double inWire = sample(metrics, "switchboard_deflate_bytes_total", "direction=\"in\"", "form=\"wire\"");
        assertTrue(inRaw >= 2 * message.length && inWire > 0 && inWire < inRaw, inWire + " -> " + inRaw);
    }

    @Test
    void closesADecompressionBombWith1009AndKeepsServingItsNeighbours() throws Exception {
        String neighbour = unique("gus");
        byte[] bomb = new byte[16 * 1024 * 1024];
        Arrays.fill(bomb, (byte) ' ');
        byte[] wire = ClientDeflate.deflate(bomb); // 16 MB of spaces: some 16 KB on the wire
        try (WsClient bystander = open(neighbour); RawWsClient attacker = compressing(unique("mallory"))) {
            attacker.sendFrame(true, true, RawWsClient.OP_TEXT, wire);
            assertEquals(1009, attacker.awaitCloseCode(CLOSE_WAIT));
            bystander.send("{\"type\":\"ping\",\"id\":\"still-here\"}");
            assertEquals("still-here", bystander.next("pong").getString("id"));
        }
        try (RawWsClient corrupt = compressing(unique("mallory"))) {
            corrupt.sendFrame(true, true, RawWsClient.OP_TEXT, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1});
            assertEquals(1007, corrupt.awaitCloseCode(CLOSE_WAIT));
        }
    }
}
