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
        assertEquals(Action.PING, policy.decide(50 * S, 26 * S, 25 * S), "next ping an interval after the last");
    }

    @Test
    void givesEveryPingTheWholeTimeoutEvenWhenTheSweepPingedLate() {
        // A late sweep pinged 34 s after the last frame: silence alone (35 s) would reap a tick later.
        assertEquals(Action.NOTHING, policy.decide(35 * S, 0, 34 * S));
        assertEquals(Action.NOTHING, policy.decide(43 * S, 0, 34 * S));
        assertEquals(Action.REAP, policy.decide(44 * S, 0, 34 * S));
    }

    @Test
    void neverPingsAgainWhileAPingIsUnanswered() {
        HeartbeatPolicy shortInterval = HeartbeatPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(5));
        // A repeated ping would push the unanswered one's deadline out forever.
        for (long now = 2; now < 6; now++) {
            assertEquals(Action.NOTHING, shortInterval.decide(now * S, 0, 1 * S), "at " + now + " s");
        }
        assertEquals(Action.REAP, shortInterval.decide(6 * S, 0, 1 * S));
    }

    @Test
    void comparesTimesSafelyAcrossNanoTimeOverflow() {
        long start = Long.MAX_VALUE - 10 * S;
        assertEquals(Action.PING, policy.decide(start + 25 * S, start, start));
        assertEquals(Action.REAP, policy.decide(start + 35 * S, start, start + 25 * S));
    }

    @Test
    void sweepsOftenEnoughForTheTimeout() {
        assertEquals(Duration.ofSeconds(1), policy.sweepPeriod());
        assertEquals(Duration.ofMillis(250), HeartbeatPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(1)).sweepPeriod());
        assertEquals(Duration.ofMillis(100), HeartbeatPolicy.of(Duration.ofMillis(100), Duration.ofMillis(100)).sweepPeriod());
    }
}
