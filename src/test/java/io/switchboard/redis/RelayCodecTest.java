package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayCodecTest {

    @Test
    void roundTripsOriginRecipientsAndTheFrameUntouched() {
        String frame = "{\"type\":\"message\",\"content\":\"line1\\nline2 👋\"}\n";
        RelayCodec.Relayed relayed = RelayCodec.decode(RelayCodec.encode("node-a", List.of("bob", "amy|x"), frame));
        assertEquals("node-a", relayed.origin());
        assertEquals(List.of("bob", "amy|x"), relayed.recipients());
        assertEquals(frame, relayed.frame());
    }

    @Test
    void encodesBroadcastsWithoutRecipients() {
        RelayCodec.Relayed relayed = RelayCodec.decode(RelayCodec.encode("n", List.of(), "{}"));
        assertEquals(List.of(), relayed.recipients());
        assertEquals("{}", relayed.frame());
    }

    @Test
    void refusesForeignPayloads() {
        assertThrows(IllegalArgumentException.class, () -> RelayCodec.decode("hello"));
    }
}
