package io.switchboard.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.heartbeat.HeartbeatPolicy.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatPolicyTest {
    private static final long S = 1_000_000_000L;
    private final HeartbeatPolicy policy = HeartbeatPolicy.of(Duration.ofSeconds(25), Duration.ofSeconds(10));

    @Test
    void pingsEveryIntervalAndReapsAfterIntervalPlusTimeoutOfSilence() {
        assertEquals(Action.NOTHING, policy.decide(24 * S, 0, 0));
        assertEquals(Action.PING, policy.decide(25 * S, 0, 0));
        assertEquals(Action.NOTHING, policy.decide(30 * S, 0, 25 * S), "pinged recently");
        assertEquals(Action.NOTHING, policy.decide(34 * S, 0, 25 * S));
        assertEquals(Action.REAP, policy.decide(35 * S, 0, 25 * S));
        assertEquals(Action.NOTHING, policy.decide(36 * S, 26 * S, 25 * S), "the pong arrived");
    }

    @Test
    void sweepsOftenEnoughForTheTimeout() {
        assertEquals(Duration.ofSeconds(1), policy.sweepPeriod());
        assertEquals(Duration.ofMillis(250), HeartbeatPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(1)).sweepPeriod());
        assertEquals(Duration.ofMillis(100), HeartbeatPolicy.of(Duration.ofMillis(100), Duration.ofMillis(100)).sweepPeriod());
    }
}
