package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule that sorts a direct message's recipients into delivered, offline, undelivered and unknown. */
class DeliveryReportTest {

    @Test
    void sortsEachRecipientIntoExactlyOneGroupInRecipientOrder() {
        DeliveryReport report = DeliveryReport.classify("7-0", List.of("dan", "bob", "amy", "eve", "cal"),
                Map.of("bob", 2, "dan", 1, "cal", 0), Set.of("amy"), List.of("eve"), false);
        assertEquals(List.of("dan", "bob"), List.copyOf(report.delivered().keySet()), "in the order they were named");
        assertEquals(Map.of("dan", 1, "bob", 2), report.delivered());
        assertEquals(List.of("amy"), report.undelivered(), "online, but their node missed the relay");
        assertEquals(List.of("eve"), report.unknown(), "never known to the gateway: nothing stored");
        assertEquals(List.of("cal"), report.offline(), "a zero count is offline, not delivered");
        assertFalse(report.duplicate());
    }

    @Test
    void aRecipientWithConnectionsCountsAsDeliveredEvenIfAlsoMissedElsewhere() {
        DeliveryReport report = DeliveryReport.classify("7-0", List.of("bob"), Map.of("bob", 1), Set.of("bob"), List.of(), true);
        assertEquals(Map.of("bob", 1), report.delivered());
        assertEquals(List.of(), report.undelivered());
        assertTrue(report.relayUnavailable());
    }

    @Test
    void aDuplicateNamesTheOriginalAndDeliversNothing() {
        DeliveryReport report = DeliveryReport.duplicateOf("5-0");
        assertEquals("5-0", report.messageId());
        assertTrue(report.duplicate());
        assertEquals(Map.of(), report.delivered());
    }
}
