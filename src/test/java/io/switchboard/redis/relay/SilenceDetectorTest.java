package io.switchboard.redis.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.redis.relay.SilenceDetector.Action;
import org.junit.jupiter.api.Test;

class SilenceDetectorTest {
    private static final long MS = 1_000_000L;
    private static final long TIMEOUT = 2_000 * MS;

    @Test
    void cutsASubscriptionWhosePingStaysUnansweredPastTheTimeout() {
        SilenceDetector silence = new SilenceDetector(TIMEOUT, 0);
        assertEquals(Action.PING, silence.check(1_000 * MS));
        assertEquals(Action.WAIT, silence.check(2_000 * MS), "one ping at a time");
        assertEquals(Action.WAIT, silence.check(3_000 * MS), "exactly the timeout: not yet");
        assertEquals(Action.CUT, silence.check(3_001 * MS));
        assertEquals(2_001 * MS, silence.waitedNanos(3_001 * MS));
    }

    @Test
    void aLateTickDoesNotCondemnASubscriptionThatAnswered() {
        SilenceDetector silence = new SilenceDetector(TIMEOUT, 0);
        assertEquals(Action.PING, silence.check(1_000 * MS));
        silence.heard(1_005 * MS); // the pong
        // the next tick comes 5 s late (saturated CPU, GC pause): it asks again instead of cutting
        assertEquals(Action.PING, silence.check(6_000 * MS));
        silence.heard(6_001 * MS);
        assertEquals(Action.PING, silence.check(7_000 * MS));
    }

    @Test
    void anyMessageAnswersThePing() {
        SilenceDetector silence = new SilenceDetector(TIMEOUT, 0);
        assertEquals(Action.PING, silence.check(1_000 * MS));
        silence.heard(1_500 * MS); // a relayed message (its pong may still be on the way)
        assertEquals(Action.PING, silence.check(4_000 * MS));
        assertEquals(Action.CUT, silence.check(6_001 * MS), "the new ping went unanswered");
    }
}
