package io.switchboard.redis;

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
        RedisPresence.Liveness alive = RedisPresence.Liveness.of(List.of(0L));
        assertEquals(RedisPresence.Liveness.State.ALIVE, alive.state());
        assertFalse(alive.lapsed());

        RedisPresence.Liveness missing = RedisPresence.Liveness.of(List.of(1L, 0L));
        assertEquals(RedisPresence.Liveness.State.MISSING, missing.state());
        assertTrue(missing.lapsed());
        assertEquals(0, missing.noticeReceivers(), "nobody subscribed took the notice");

        RedisPresence.Liveness expired = RedisPresence.Liveness.of(List.of(2L, 1L, "1796690000000", "1796690004000"));
        assertEquals(RedisPresence.Liveness.State.EXPIRED, expired.state());
        assertEquals(1, expired.noticeReceivers());
        assertEquals("1796690000000", expired.aliveUntil());
        assertEquals("1796690004000", expired.redisNow());
    }

    @Test
    void refusesAReplyItDoesNotKnow() {
        assertThrows(IllegalStateException.class, () -> RedisPresence.Liveness.of(List.of(3L)));
    }
}
