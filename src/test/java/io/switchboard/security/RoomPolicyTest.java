package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.TestConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomPolicyTest {
    private static Identity granted(List<String> join, List<String> publish) {
        return new Identity("amy", Set.of(), 0, Optional.ofNullable(join).map(RoomPatterns::new),
                Optional.ofNullable(publish).map(RoomPatterns::new));
    }

    @Test
    void claimsAllowExactNamesAndPrefixes() {
        RoomPolicy policy = new RoomPolicy(TestConfig.openRooms());
        Identity amy = granted(List.of("lobby", "team-42:*"), List.of("team-42:news"));
        assertTrue(policy.mayJoin(amy, "lobby"));
        assertTrue(policy.mayJoin(amy, "team-42:dev"));
        assertFalse(policy.mayJoin(amy, "lobby2"), "an exact name is not a prefix");
        assertFalse(policy.mayJoin(amy, "team-4"));
        assertTrue(policy.mayPublish(amy, "team-42:news"));
        assertFalse(policy.mayPublish(amy, "lobby"), "publishing is granted separately from joining");
        assertTrue(policy.mayJoin(granted(List.of("*"), null), "anything"));
    }

    @Test
    void anEmptyClaimAllowsNothingEvenWhenTheDefaultIsOpen() {
        RoomPolicy policy = new RoomPolicy(TestConfig.openRooms());
        assertFalse(policy.mayJoin(granted(List.of(), List.of()), "lobby"));
    }

    @Test
    void withoutClaimsTheConfiguredDefaultDecides() {
        Identity plain = new Identity("amy", Set.of(), 0);
        assertTrue(new RoomPolicy(TestConfig.openRooms()).mayJoin(plain, "lobby"));
        assertTrue(new RoomPolicy(TestConfig.openRooms()).mayPublish(plain, "lobby"));
        assertFalse(new RoomPolicy(TestConfig.defaults()).mayJoin(plain, "lobby"), "closed by default");
        assertFalse(new RoomPolicy(TestConfig.defaults()).mayPublish(plain, "lobby"));
    }
}
