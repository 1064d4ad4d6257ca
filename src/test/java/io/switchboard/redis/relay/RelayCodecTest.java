package io.switchboard.redis.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayCodecTest {

    @Test
    void roundTripsOriginRecipientsAndTheFrameUntouched() {
        String frame = "{\"type\":\"message\",\"content\":\"line1\\nline2 👋\"}\n";
        RelayCodec.Relayed relayed = RelayCodec.decode(
                RelayCodec.encode("node-a", RelayCodec.Kind.USERS, List.of("bob", "amy|x"), frame));
        assertEquals("node-a", relayed.origin());
        assertTrue(Math.abs(System.currentTimeMillis() - relayed.sentAtMillis()) < 60_000, "carries the send time");
        assertEquals(RelayCodec.Kind.USERS, relayed.kind());
        assertEquals(List.of("bob", "amy|x"), relayed.targets());
        assertEquals(frame, relayed.frame());
    }

    @Test
    void encodesBroadcastsWithoutTargets() {
        RelayCodec.Relayed relayed = RelayCodec.decode(RelayCodec.encode("n", RelayCodec.Kind.EVERYONE, List.of(), "{}"));
        assertEquals(RelayCodec.Kind.EVERYONE, relayed.kind());
        assertEquals(List.of(), relayed.targets());
        assertEquals("{}", relayed.frame());
    }

    @Test
    void keepsAnEmptyExcludedConnectionOfARoomMessage() {
        RelayCodec.Relayed relayed = RelayCodec.decode(RelayCodec.encode("n", RelayCodec.Kind.ROOM, List.of("lobby", ""), "{}"));
        assertEquals(RelayCodec.Kind.ROOM, relayed.kind());
        assertEquals(List.of("lobby", ""), relayed.targets());
    }

    @Test
    void refusesForeignPayloads() {
        assertThrows(IllegalArgumentException.class, () -> RelayCodec.decode("hello"));
        assertThrows(IllegalArgumentException.class, () -> RelayCodec.decode("n\n\n{}"));
        assertThrows(IllegalArgumentException.class, () -> RelayCodec.decode("n\n?x\n{}"));
    }
}
