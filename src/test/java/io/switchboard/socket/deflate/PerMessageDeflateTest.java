package io.switchboard.socket.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.metrics.TrafficCounters;
import io.switchboard.testing.client.ClientDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.DataFormatException;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.CloseFrame;
import org.glassfish.tyrus.core.frame.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The extension against frames as Tyrus hands them over, and a client side written with java.util.zip. */
class PerMessageDeflateTest {
    private static final int THRESHOLD = 256;
    private static final int LIMIT = 65_536;
    private static final byte TEXT = 1;
    private static final byte CONTINUATION = 0;

    private final TrafficCounters traffic = new TrafficCounters();
    private PerMessageDeflate deflate;
    private ExtendedExtension.ExtensionContext connection;

    @BeforeEach
    void negotiate() {
        deflate = new PerMessageDeflate(new DeflateSettings(THRESHOLD, 1, LIMIT, 4), traffic);
        connection = newContext();
        deflate.onExtensionNegotiation(connection, null);
    }

    private static ExtendedExtension.ExtensionContext newContext() {
        Map<String, Object> properties = new HashMap<>();
        return () -> properties;
    }

    private static byte[] json(int approximateBytes) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; json.length() < approximateBytes; i++) {
            json.append("{\"type\":\"message\",\"from\":\"alice\",\"seq\":").append(i).append(",\"data\":\"price update\"},");
        }
        return json.append("{}]").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Frame text(byte[] payload, boolean compressed, boolean fin, byte opcode) {
        return Frame.builder().opcode(opcode).fin(fin).rsv1(compressed).payloadData(payload).build();
    }

    private static int closeCode(Frame frame) {
        return assertInstanceOf(CloseFrame.class, frame).getCloseReason().getCloseCode().getCode();
    }

    @Test
    void compressesMessagesFromTheThresholdOnSoTheClientInflatesThemBack() throws DataFormatException {
        byte[] raw = json(4000);
        Frame sent = deflate.processOutgoing(connection, text(raw, false, true, TEXT));
        assertTrue(sent.isRsv1());
        assertTrue(sent.isFin());
        assertEquals(TEXT, sent.getOpcode());
        assertTrue(sent.getPayloadLength() < raw.length / 4, "compressed to " + sent.getPayloadLength());
        assertArrayEquals(raw, ClientDeflate.inflate(sent.getPayloadData()));
        assertEquals(raw.length, traffic.deflateBytes("out", "raw"));
        assertEquals(sent.getPayloadLength(), traffic.deflateBytes("out", "wire"));
    }

    @Test
    void compressesEveryMessageOnItsOwnAndNeverMixesTwoUp() throws DataFormatException {
        byte[] first = json(2000);
        byte[] second = first.clone();
        second[second.length / 2] = (byte) '#'; // same length, one byte apart
        byte[] firstWire = deflate.processOutgoing(connection, text(first, false, true, TEXT)).getPayloadData();
        byte[] secondWire = deflate.processOutgoing(connection, text(second, false, true, TEXT)).getPayloadData();
        byte[] againWire = deflate.processOutgoing(connection, text(first, false, true, TEXT)).getPayloadData();
        assertArrayEquals(second, ClientDeflate.inflate(secondWire));
        assertArrayEquals(first, ClientDeflate.inflate(againWire));
        // with context takeover the repeat would shrink to a back-reference into the earlier messages
        assertArrayEquals(firstWire, againWire);
        // a broadcast: the same message to many connections, each inflating it on its own
        for (int i = 0; i < 3; i++) {
            ExtendedExtension.ExtensionContext other = newContext();
            deflate.onExtensionNegotiation(other, null);
            assertArrayEquals(second, ClientDeflate.inflate(
                    deflate.processOutgoing(other, text(second, false, true, TEXT)).getPayloadData()));
        }
        assertEquals(6L * first.length, traffic.deflateBytes("out", "raw"));
    }

    @Test
    void sendsSmallIncompressibleControlAndFragmentFramesAsTheyAre() {
        Frame small = text("a".repeat(THRESHOLD - 1).getBytes(StandardCharsets.UTF_8), false, true, TEXT);
        assertSame(small, deflate.processOutgoing(connection, small));
        byte[] noise = new byte[2000];
        new Random(7).nextBytes(noise);
        Frame random = Frame.builder().opcode((byte) 2).fin(true).payloadData(noise).build();
        assertSame(random, deflate.processOutgoing(connection, random));
        Frame ping = Frame.builder().opcode((byte) 9).fin(true).payloadData(json(300)).build();
        assertSame(ping, deflate.processOutgoing(connection, ping));
        Frame fragment = text(json(1000), false, false, TEXT);
        assertSame(fragment, deflate.processOutgoing(connection, fragment));
        assertEquals(0, traffic.deflateBytes("out", "raw"));
    }

    @Test
    void inflatesACompressedClientMessage() {
        byte[] raw = json(3000);
        byte[] wire = ClientDeflate.deflate(raw);
        Frame received = deflate.processIncoming(connection, text(wire, true, true, TEXT));
        assertFalse(received.isRsv1());
        assertEquals(TEXT, received.getOpcode());
        assertArrayEquals(raw, received.getPayloadData());
        assertEquals(wire.length, traffic.deflateBytes("in", "wire"));
        assertEquals(raw.length, traffic.deflateBytes("in", "raw"));
    }

    @Test
    void inflatesACompressedMessageSentInFragmentsAndTheNextOneAfterIt() {
        byte[] raw = json(5000);
        byte[] wire = ClientDeflate.deflate(raw);
        int third = wire.length / 3;
        ByteArrayOutputStream inflated = new ByteArrayOutputStream();
        Frame first = deflate.processIncoming(connection, text(Arrays.copyOfRange(wire, 0, third), true, false, TEXT));
        Frame middle = deflate.processIncoming(connection,
                text(Arrays.copyOfRange(wire, third, 2 * third), false, false, CONTINUATION));
        Frame last = deflate.processIncoming(connection,
                text(Arrays.copyOfRange(wire, 2 * third, wire.length), false, true, CONTINUATION));
        for (Frame frame : new Frame[] {first, middle, last}) {
            assertFalse(frame.isRsv1());
            inflated.writeBytes(frame.getPayloadData());
        }
        assertArrayEquals(raw, inflated.toByteArray());
        assertArrayEquals(raw, deflate.processIncoming(connection, text(wire, true, true, TEXT)).getPayloadData());
    }

    @Test
    void passesUncompressedClientMessagesThroughEvenInFragments() {
        Frame whole = text(json(500), false, true, TEXT);
        assertSame(whole, deflate.processIncoming(connection, whole));
        Frame first = text(json(100), false, false, TEXT);
        Frame rest = text(json(100), false, true, CONTINUATION);
        assertSame(first, deflate.processIncoming(connection, first));
        assertSame(rest, deflate.processIncoming(connection, rest));
    }

    @Test
    void leavesRsv1WhereItMayNotBeForTyrusToRefuse() {
        Frame continuation = text(json(100), true, true, CONTINUATION);
        assertSame(continuation, deflate.processIncoming(connection, continuation));
        Frame ping = Frame.builder().opcode((byte) 9).fin(true).rsv1(true).payloadData(new byte[3]).build();
        assertSame(ping, deflate.processIncoming(connection, ping));
    }

    @Test
    void closesWith1009WhenAMessageInflatesPastTheFrameLimit() {
        byte[] bomb = ClientDeflate.deflate(new byte[50 * 1024 * 1024]); // 50 MB of zeros: some 50 KB on the wire
        assertTrue(bomb.length < LIMIT);
        Frame answer = deflate.processIncoming(connection, text(bomb, true, true, TEXT));
        assertEquals(1009, closeCode(answer));
        // a message exactly at the limit still inflates
        byte[] atLimit = new byte[LIMIT];
        Arrays.fill(atLimit, (byte) 'a');
        assertEquals(LIMIT, deflate.processIncoming(connection, text(ClientDeflate.deflate(atLimit), true, true, TEXT))
                .getPayloadLength());
    }

    @Test
    void countsTheLimitOverAllFragmentsOfAMessage() {
        byte[] wire = ClientDeflate.deflate(new byte[LIMIT + 1000]);
        int half = wire.length / 2;
        Frame first = deflate.processIncoming(connection, text(Arrays.copyOfRange(wire, 0, half), true, false, TEXT));
        assertNotSame(CloseFrame.class, first.getClass());
        Frame last = deflate.processIncoming(connection,
                text(Arrays.copyOfRange(wire, half, wire.length), false, true, CONTINUATION));
        assertEquals(1009, closeCode(last));
    }

    @Test
    void closesWith1007OnDataThatDoesNotInflate() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x13, 0x37};
        assertEquals(1007, closeCode(deflate.processIncoming(connection, text(garbage, true, true, TEXT))));
        // the connection's next compressed message starts afresh
        ExtendedExtension.ExtensionContext other = newContext();
        deflate.onExtensionNegotiation(other, null);
        byte[] raw = json(1000);
        assertArrayEquals(raw, deflate.processIncoming(other, text(ClientDeflate.deflate(raw), true, true, TEXT)).getPayloadData());
    }

    @Test
    void aClosedConnectionsUnfinishedMessageIsDroppedNotInflated() {
        byte[] wire = ClientDeflate.deflate(json(3000));
        deflate.processIncoming(connection, text(Arrays.copyOfRange(wire, 0, 10), true, false, TEXT));
        deflate.destroy(connection);
        Frame late = text(Arrays.copyOfRange(wire, 10, wire.length), false, true, CONTINUATION);
        assertSame(late, deflate.processIncoming(connection, late));
    }
}
