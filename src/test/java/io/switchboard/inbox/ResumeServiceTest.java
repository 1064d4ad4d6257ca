package io.switchboard.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.protocol.MessageId;
import io.switchboard.security.Identity;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a connecting client's replay starts, what it gets, and how live traffic joins it without gap or duplicate. */
class ResumeServiceTest {
    private final SwitchboardConfig config = TestConfig.defaults();
    private final InMemoryInbox inbox = new InMemoryInbox(config, Clock.systemUTC());
    private final ResumeService resume = new ResumeService(inbox, config);

    private MessageId store(String user, String text) {
        MessageId id = inbox.nextId();
        inbox.append(user, new StoredMessage(id, frame(id, text)));
        return id;
    }

    private static String frame(MessageId id, String text) {
        return "{\"id\":\"" + id + "\",\"content\":\"" + text + "\"}";
    }

    private record Client(Connection connection, RecordingSink sink) {
    }

    private static Client connect(String device) {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = new Connection("c-" + device, device, new Identity("bob", Set.of(), 0), sink, Runnable::run,
                new SendQueueLimits(100, 1_000_000), (c, code) -> { }, 0);
        connection.beginReplay();
        return new Client(connection, sink);
    }

    private List<String> resume(Client client, Optional<MessageId> since) {
        ResumeService.Plan plan = resume.plan("bob", client.connection().device(), since);
        resume.replay(client.connection(), plan);
        return List.copyOf(client.sink().sent);
    }

    @Test
    void deliversWhatArrivedWhileOfflineInOrderAndOnlyOnce() {
        MessageId one = store("bob", "one");
        MessageId two = store("bob", "two");
        assertEquals(List.of(frame(one, "one"), frame(two, "two")), resume(connect("phone"), Optional.empty()));
        assertEquals(List.of(), resume(connect("laptop"), Optional.empty()), "a second device: already seen by the user");
        MessageId three = store("bob", "three");
        assertEquals(List.of(frame(three, "three")), resume(connect("tablet"), Optional.empty()));
    }

    @Test
    void resumesAfterTheGivenIdOrTheDevicesLastAck() {
        MessageId one = store("bob", "one");
        MessageId two = store("bob", "two");
        MessageId three = store("bob", "three");
        assertEquals(List.of(frame(two, "two"), frame(three, "three")), resume(connect("phone"), Optional.of(one)));
        inbox.saveCursor("bob", "phone", two);
        inbox.saveCursor("bob", "phone", one); // a late, older ack does not move the cursor back
        assertEquals(List.of(frame(three, "three")), resume(connect("phone"), Optional.empty()));
        assertTrue(resume.plan("bob", "phone", Optional.of(one)).recovered());
    }

    @Test
    void saysNotRecoveredWhenRetentionRemovedWhatTheClientAskedFor() {
        SwitchboardConfig small = TestConfig.inboxOf(2);
        InMemoryInbox tiny = new InMemoryInbox(small, Clock.systemUTC());
        ResumeService resumer = new ResumeService(tiny, small);
        MessageId[] ids = new MessageId[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = tiny.nextId();
            tiny.append("bob", new StoredMessage(ids[i], frame(ids[i], "m" + i)));
        }
        ResumeService.Plan lost = resumer.plan("bob", "d", Optional.of(ids[0]));
        assertFalse(lost.recovered(), "m1 was trimmed");
        assertEquals(ids[1], lost.after(), "the replay starts at what is left");
        assertTrue(resumer.plan("bob", "d", Optional.of(ids[1])).recovered());
        MessageId ancient = new MessageId(System.currentTimeMillis() - small.inboxMaxAge().toMillis() - 1000, 0);
        assertFalse(resumer.plan("carol", "d", Optional.of(ancient)).recovered(), "older than the retention age");
    }

    @Test
    void holdsLiveDeliveriesBackUntilTheReplayEndsAndDropsOnesItReplayed() {
        MessageId one = store("bob", "one");
        MessageId two = store("bob", "two");
        Client client = connect("phone");
        // live copies arriving while the replay reads: one it will replay, one newer, one not stored
        client.connection().deliver(two, frame(two, "two"));
        MessageId three = inbox.nextId();
        client.connection().deliver(three, frame(three, "three"));
        client.connection().deliver(null, "{\"type\":\"broadcast\"}");
        assertTrue(client.sink().sent.isEmpty(), "nothing overtakes the replay");
        assertEquals(List.of(frame(one, "one"), frame(two, "two"), frame(three, "three"), "{\"type\":\"broadcast\"}"),
                resume(client, Optional.empty()));
        client.connection().deliver(null, "after");
        assertEquals("after", client.sink().sent.get(4), "live again once the replay ended");
    }
}
