package io.switchboard.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.TestConfig;
import io.switchboard.protocol.MessageId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory store's bounds: one memory budget for all streams and idempotency keys, and no state kept per id for ever. */
class InMemoryInboxTest {
    private static final String FILLER = "x".repeat(1000);

    private static StoredMessage message(MessageId id) {
        return new StoredMessage(id, "{\"id\":\"" + id + "\",\"content\":\"" + FILLER + "\"}");
    }

    @Test
    void keepsEveryStreamTogetherWithinTheBudgetDroppingTheOldestOfAllFirst() {
        long budget = 100_000;
        InMemoryInbox inbox = new InMemoryInbox(TestConfig.inboxOf(1000, budget), Clock.systemUTC());
        List<MessageId> ids = new ArrayList<>();
        String[] users = {"ann", "bob", "cy"};
        for (int i = 0; i < 300; i++) {
            MessageId id = inbox.nextId();
            ids.add(id);
            StoredMessage message = message(id);
            if (i % 4 == 3) {
                inbox.appendToRoom("lobby", message);
            } else {
                inbox.append(users[i % 3], message);
            }
            assertTrue(inbox.storedBytes() <= budget + InMemoryInbox.footprint(message), "after " + i);
        }
        assertTrue(inbox.storedBytes() > budget / 2, "it keeps what fits: " + inbox.storedBytes());
        List<StoredMessage> stored = new ArrayList<>(inbox.readRoom("lobby", MessageId.ZERO, 1000));
        for (String user : users) {
            stored.addAll(inbox.read(user, MessageId.ZERO, 1000));
        }
        assertEquals(stored.stream().mapToLong(InMemoryInbox::footprint).sum(), inbox.storedBytes(),
                "the accounting matches what is stored");
        List<MessageId> kept = stored.stream().map(StoredMessage::id).toList();
        // what is left is exactly the newest messages of the whole store
        List<MessageId> newest = ids.subList(ids.size() - kept.size(), ids.size());
        assertEquals(newest.stream().sorted().toList(), kept.stream().sorted().toList());
        // and every stream says where its history now starts, as retention by count or age does
        for (String user : users) {
            MessageId firstKept = inbox.read(user, MessageId.ZERO, 1).get(0).id();
            assertTrue(inbox.trimmedUpTo(user).compareTo(firstKept) < 0);
            assertFalse(inbox.trimmedUpTo(user).equals(MessageId.ZERO), user + " lost its oldest messages");
        }
    }

    @Test
    void retentionByCountGivesItsBytesBack() {
        InMemoryInbox inbox = new InMemoryInbox(TestConfig.inboxOf(2, 1_000_000), Clock.systemUTC());
        StoredMessage last = null;
        for (int i = 0; i < 10; i++) {
            last = message(inbox.nextId());
            inbox.append("ann", last);
        }
        assertEquals(2 * InMemoryInbox.footprint(last), inbox.storedBytes());
    }

    /** A clock tests move by hand. */
    private static final class ManualClock extends Clock {
        long millis = 1_000_000_000_000L;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void keepsNothingPerIdPastTheRetentionAgeAsRedisExpiresItsKeys() {
        ManualClock clock = new ManualClock();
        io.switchboard.config.SwitchboardConfig config = TestConfig.inboxOf(100, 10_000_000);
        InMemoryInbox inbox = new InMemoryInbox(config, clock);
        for (int i = 0; i < 1000; i++) {
            MessageId id = inbox.nextId();
            inbox.append("id-" + i, message(id));
            inbox.saveCursor("id-" + i, "phone", id);
            inbox.markSeen("id-" + i, id);
            inbox.markKnown("id-" + i);
        }
        assertEquals(List.of(1000, 1000, 1000, 1000), java.util.Arrays.stream(inbox.heldPerId()).boxed().toList());
        clock.millis += config.inbox().maxAge().toMillis() + 60_001;
        inbox.saveCursor("id-0", "phone", inbox.nextId());
        inbox.append("fresh", message(inbox.nextId()));
        assertEquals(List.of(1, 1, 0, 0), java.util.Arrays.stream(inbox.heldPerId()).boxed().toList(),
                "only what was written within the retention age is left");
        assertEquals(InMemoryInbox.footprint(inbox.read("fresh", MessageId.ZERO, 10).get(0)), inbox.storedBytes());
        assertTrue(inbox.cursor("id-0", "phone").isPresent());
        assertTrue(inbox.cursor("id-1", "phone").isEmpty());
    }

    @Test
    void forgetsUsersThatConnectedLongAgoEvenWhenNothingIsStored() {
        ManualClock clock = new ManualClock();
        io.switchboard.config.SwitchboardConfig config = TestConfig.inboxOf(100, 10_000_000);
        InMemoryInbox inbox = new InMemoryInbox(config, clock);
        for (int i = 0; i < 1000; i++) {
            inbox.markKnown("visitor-" + i);
        }
        clock.millis += config.inbox().maxAge().toMillis() + 60_001;
        inbox.markKnown("today");
        assertEquals(List.of(0, 0, 0, 1), java.util.Arrays.stream(inbox.heldPerId()).boxed().toList());
        assertFalse(inbox.isKnown("visitor-1"));
        assertTrue(inbox.isKnown("today"));
    }

    @Test
    void idempotencyKeysExpireOldestFirstAndCountInTheMemoryBudget() {
        ManualClock clock = new ManualClock();
        io.switchboard.config.SwitchboardConfig config = TestConfig.inboxOf(100, 100_000);
        InMemoryInbox inbox = new InMemoryInbox(config, clock);
        Idempotency first = Idempotency.of("backend", "key-0", "request-0");
        inbox.claim(first, inbox.nextId());
        long one = inbox.storedBytes();
        assertTrue(one > 0, "a key counts in the budget");
        for (int i = 1; i < 2000; i++) {
            clock.millis++;
            inbox.claim(Idempotency.of("backend", "key-" + i, "request-" + i), inbox.nextId());
            assertTrue(inbox.storedBytes() <= 100_000, "within the budget after " + i + " keys");
        }
        assertTrue(inbox.idempotencyKeys() < 2000 && inbox.idempotencyKeys() > 100, "keys were evicted: " + inbox.idempotencyKeys());
        assertTrue(inbox.claimed(first).isEmpty(), "the oldest key went first");
        Idempotency newest = Idempotency.of("backend", "key-1999", "request-1999");
        assertTrue(inbox.claimed(newest).isPresent(), "the newest is still answered");
        clock.millis += config.api().idempotencyWindow().toMillis() + 1;
        assertTrue(inbox.claimed(newest).isEmpty(), "expired after the window");
        assertEquals(0, inbox.idempotencyKeys());
        assertEquals(0, inbox.storedBytes(), "and their bytes given back");
    }

    @Test
    void aStreamThatEvictionEmptiedIsDroppedAndStillReportsWhatWasLost() {
        InMemoryInbox inbox = new InMemoryInbox(TestConfig.inboxOf(1000, 20_000), Clock.systemUTC());
        MessageId lost = inbox.nextId();
        inbox.append("quiet", message(lost));
        for (int i = 0; i < 40; i++) {
            inbox.append("busy", message(inbox.nextId()));
        }
        assertEquals(List.of(), inbox.read("quiet", MessageId.ZERO, 10));
        assertEquals(1, inbox.heldPerId()[0], "the emptied stream is not kept");
        assertTrue(inbox.trimmedUpTo("quiet").compareTo(lost) >= 0, "its loss is still reported");
    }
}
