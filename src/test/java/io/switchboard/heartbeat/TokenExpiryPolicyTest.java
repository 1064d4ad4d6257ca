package io.switchboard.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.heartbeat.TokenExpiryPolicy.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenExpiryPolicyTest {
    private final TokenExpiryPolicy policy = new TokenExpiryPolicy(Duration.ofSeconds(30));

    @Test
    void leavesValidTokensAloneNotifiesOnExpiryAndClosesAfterTheGrace() {
        long expiry = 1_000_000;
        assertEquals(Action.NOTHING, policy.decide(expiry - 1, expiry));
        assertEquals(Action.NOTIFY, policy.decide(expiry, expiry));
        assertEquals(Action.NOTIFY, policy.decide(expiry + 29_999, expiry));
        assertEquals(Action.CLOSE, policy.decide(expiry + 30_000, expiry));
    }

    @Test
    void closesAtOnceWithoutAGrace() {
        assertEquals(Action.CLOSE, new TokenExpiryPolicy(Duration.ZERO).decide(5, 5));
    }
}
