package io.switchboard.redis.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The liveness script's reply read into what it means, rather than compared with 1 and 2 where it is used. */
class LivenessReplyTest {

    @Test
    void readsEachOfTheScriptsThreeAnswers() {
        NodeLiveness.Liveness alive = NodeLiveness.Liveness.of(List.of(0L));
        assertEquals(NodeLiveness.Liveness.State.ALIVE, alive.state());
        assertFalse(alive.lapsed());

        NodeLiveness.Liveness missing = NodeLiveness.Liveness.of(List.of(1L, 0L));
        assertEquals(NodeLiveness.Liveness.State.MISSING, missing.state());
        assertTrue(missing.lapsed());
        assertEquals(0, missing.noticeReceivers(), "nobody subscribed took the notice");

        NodeLiveness.Liveness expired = NodeLiveness.Liveness.of(List.of(2L, 1L, "1796690000000", "1796690004000"));
        assertEquals(NodeLiveness.Liveness.State.EXPIRED, expired.state());
        assertEquals(1, expired.noticeReceivers());
        assertEquals("1796690000000", expired.aliveUntil());
        assertEquals("1796690004000", expired.redisNow());
    }

    @Test
    void refusesAReplyItDoesNotKnow() {
        assertThrows(IllegalStateException.class, () -> NodeLiveness.Liveness.of(List.of(3L)));
    }
}
