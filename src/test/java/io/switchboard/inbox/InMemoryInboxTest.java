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

/** The in-memory store's memory budget: all streams together, oldest first, reported as trimmed. */
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
}
