package io.switchboard.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.TestConfig;
import io.switchboard.limits.CommandBudget.Verdict;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.security.Identity;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void bucketAllowsItsBurstThenRefillsAtItsRate() {
        TokenBucket bucket = new TokenBucket(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.tryTake(0), "burst " + i);
        }
        assertFalse(bucket.tryTake(0));
        assertEquals(100, bucket.millisUntilNext(0));
        assertTrue(bucket.tryTake(SECOND / 10), "one token after 100 ms at 10/s");
        assertFalse(bucket.tryTake(SECOND / 10));
        assertTrue(bucket.isFull(10 * SECOND), "never more than the burst");
        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.tryTake(10 * SECOND));
        }
        assertFalse(bucket.tryTake(10 * SECOND));
    }

    @Test
    void budgetRefusesOverTheRateAndClosesAClientThatKeepsFlooding() {
        CommandBudget budget = new CommandBudget(1, 2, 10, 0);
        assertEquals(Verdict.ALLOW, budget.admit(0));
        assertEquals(Verdict.ALLOW, budget.admit(0));
        for (int i = 0; i < 5; i++) {
            assertEquals(Verdict.REFUSE, budget.admit(0));
        }
        assertEquals(Verdict.ALLOW, budget.admit(SECOND), "a client that slows down goes on");
        for (int i = 0; i < 5 + 1; i++) { // 5 refusals left, plus the one refilled in that second
            assertEquals(Verdict.REFUSE, budget.admit(SECOND), "refusal " + i);
        }
        assertEquals(Verdict.CLOSE, budget.admit(SECOND), "the refusal allowance is spent");
    }

    @Test
    void floodingFarOverTheRateIsClosedEvenThoughSomeCommandsGetThrough() {
        CommandBudget budget = new CommandBudget(500, 1000, 100, 0);
        long now = 0;
        Verdict verdict = Verdict.ALLOW;
        int commands = 0;
        while (verdict != Verdict.CLOSE && commands < 100_000) {
            now += SECOND / 20_000; // 20,000 commands a second: forty times the rate
            verdict = budget.admit(now);
            commands++;
        }
        assertEquals(Verdict.CLOSE, verdict);
        assertTrue(commands < 1_300, "closed after " + commands + " commands");
    }

    @Test
    void keyedLimiterSeparatesKeysForgetsIdleOnesAndMakesRoomByForgettingTheLeastRecentlyUsed() {
        KeyedRateLimiter limiter = new KeyedRateLimiter(1, 1, 2);
        assertEquals(0, limiter.acquire("10.0.0.1", 0));
        assertEquals(1000, limiter.acquire("10.0.0.1", 0), "wait for the next token");
        assertEquals(0, limiter.acquire("10.0.0.2", 0), "another key has its own bucket");
        assertTrue(limiter.acquire("10.0.0.1", 0) > 0, "10.0.0.1 is now the most recently used");
        assertEquals(0, limiter.acquire("10.0.0.3", 0), "a new key is never refused for room");
        assertEquals(2, limiter.size());
        assertEquals(1, limiter.evicted());
        assertTrue(limiter.acquire("10.0.0.1", 0) > 0, "the busy key kept its history");
        assertEquals(0, limiter.acquire("10.0.0.2", 0), "the least recently used one was forgotten");
        limiter.forgetIdle(2 * SECOND);
        assertEquals(0, limiter.size());
        assertEquals(0, limiter.acquire("10.0.0.3", 2 * SECOND));
    }

    @Test
    void storageQuotaChargesCopiesAndBytesPerSenderAndATokenClaimRaisesIt() {
        StorageQuota quota = new StorageQuota(TestConfig.storageQuota(10, 20, 1000, 5000));
        Identity mallory = new Identity("mallory", Set.of(), 0);
        quota.charge(mallory, 20, 10, 0);
        ProtocolException copies = assertThrows(ProtocolException.class, () -> quota.charge(mallory, 1, 10, 0));
        assertEquals(ErrorCode.STORAGE_QUOTA, copies.code());
        assertEquals(100, copies.retryAfterMillis(), "one copy comes back every 100 ms");
        quota.charge(new Identity("amy", Set.of(), 0), 1, 10, 0); // other senders are unaffected
        quota.charge(mallory, 4, 1000, SECOND);
        ProtocolException bytes = assertThrows(ProtocolException.class, () -> quota.charge(mallory, 2, 1000, SECOND),
                "2 copies of 1000 bytes with 1000 bytes left");
        assertEquals(ErrorCode.STORAGE_QUOTA, bytes.code());
        assertTrue(bytes.getMessage().contains("bytes"), bytes.getMessage());
        quota.charge(mallory, 6, 10, SECOND); // the refused request's copies were given back
        Identity trusted = new Identity("svc", Set.of(), 0, Optional.empty(), Optional.empty(), 100);
        quota.charge(trusted, 2000, 10, 0);
        assertThrows(ProtocolException.class, () -> quota.charge(trusted, 1, 10, 0), "a raised quota is finite too");
    }

    @Test
    void limitsIpv6ClientsByTheirSlash64() {
        assertEquals("2001:db8:1:2::/64", ClientAddresses.limiterKey("2001:db8:1:2:a:b:c:d"));
        assertEquals("2001:db8:1:2::/64", ClientAddresses.limiterKey("[2001:db8:1:2::ffff]"));
        assertEquals("2001:db8:1:2::/64", ClientAddresses.limiterKey("2001:0db8:0001:0002::1%eth0"));
        assertEquals("2001:db8:1:3::/64", ClientAddresses.limiterKey("2001:db8:1:3::1"));
        assertEquals("0:0:0:0::/64", ClientAddresses.limiterKey("::1"));
        assertEquals("192.0.2.7", ClientAddresses.limiterKey("::ffff:192.0.2.7"), "IPv4-mapped is IPv4");
        assertEquals("192.0.2.7", ClientAddresses.limiterKey(" 192.0.2.7 "));
        assertEquals("not:an:address:zz", ClientAddresses.limiterKey("not:an:address:zz"), "garbage is limited as itself");
        assertEquals("client.example.com", ClientAddresses.limiterKey("client.example.com"), "never resolved");
    }

    @Test
    void retryAfterRoundsAWaitUpToWholeSecondsOfAtLeastOne() {
        assertEquals("1", KeyedRateLimiter.retryAfterSeconds(1));
        assertEquals("1", KeyedRateLimiter.retryAfterSeconds(1000));
        assertEquals("2", KeyedRateLimiter.retryAfterSeconds(1001));
        assertEquals("1", KeyedRateLimiter.retryAfterSeconds(0), "never 0: the client would retry at once");
    }
}
