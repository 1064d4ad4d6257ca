package io.switchboard.redis.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.redis.client.ClusterMember;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresenceEntryTest {

    @Test
    void countsOnlyUnexpiredEntriesOfLiveNodes() {
        List<String> values = List.of(
                PresenceEntry.encode("node-a", 2000),
                PresenceEntry.encode("node-a", 3000),
                PresenceEntry.encode("node-b", 2000),
                PresenceEntry.encode("node-dead", 9000),
                PresenceEntry.encode("node-a", 999),
                "garbage");
        Map<String, Integer> counts = PresenceEntry.countsByNode(values, Set.of("node-a", "node-b"), 1000);
        assertEquals(Map.of("node-a", 2, "node-b", 1), counts);
        assertEquals(List.of("node-a", "node-b"), List.copyOf(counts.keySet()));
    }

    @Test
    void namesTheNodeOfAMember() {
        assertEquals("node-a", ClusterMember.nodeOf("node-a~1234abcd"));
        assertEquals("node~x", ClusterMember.nodeOf("node~x~1234abcd"));
        assertEquals("plain", ClusterMember.nodeOf("plain"));
    }

    @Test
    void decodesNodeIdsContainingTheSeparator() {
        assertEquals(new PresenceEntry("we|ird", 5), PresenceEntry.decode("we|ird|5"));
        assertNull(PresenceEntry.decode("|5"));
        assertNull(PresenceEntry.decode("node|soon"));
    }
}
