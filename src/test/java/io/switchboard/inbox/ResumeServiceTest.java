package io.switchboard.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.connection.StreamKey;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.security.Identity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Where a connecting client's replay starts, what it gets, and how live traffic joins it without gap or duplicate. */
class ResumeServiceTest {
    private final SwitchboardConfig config = TestConfig.defaults();
    private final InMemoryInbox inbox = new InMemoryInbox(config, Clock.systemUTC());
    private final ResumeService resume = new ResumeService(inbox, config, Runnable::run, Clock.systemUTC());

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
        return new Client(connection, sink);
    }

    /** Opens the client's inbox as the endpoint does; returns what it was sent after the welcome. */
    private List<String> resume(Client client, Optional<MessageId> since) {
        return open(resume, client, since, () -> { });
    }

    private static List<String> open(ResumeService resumer, Client client, Optional<MessageId> since, Runnable register) {
        resumer.open(client.connection(), since, plan -> WELCOME, register, () -> { });
        List<String> sent = List.copyOf(client.sink().sent);
        assertEquals(WELCOME, sent.get(0), "the welcome comes first");
        return sent.subList(1, sent.size());
    }

    private static final String WELCOME = "{\"type\":\"welcome\"}";

    /** bob's replay plan for {@code device}, from what the inbox's opening read finds. */
    private static ResumeService.Plan plan(ResumeService resumer, Inbox from, String device, Optional<MessageId> since) {
        return resumer.plan(from.open(connect(device).connection(), since, 100).toCompletableFuture().join());
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
    void theConnectionIsVisibleBeforeItsWelcomeGoesOutYetTheWelcomeComesFirst() {
        MessageId one = store("bob", "one");
        Client client = connect("phone");
        List<String> sentWhenVisible = new java.util.ArrayList<>();
        List<String> after = open(resume, client, Optional.empty(), () -> {
            sentWhenVisible.addAll(client.sink().sent);
            // a frame of no stream (a broadcast) reaching the connection as soon as it is visible
            client.connection().deliver(null, null, "{\"type\":\"broadcast\"}");
        });
        assertEquals(List.of(), sentWhenVisible, "nothing written before the welcome: a client with it is reachable");
        assertEquals(List.of("{\"type\":\"broadcast\"}", frame(one, "one")), after,
                "what came while becoming visible follows the welcome");
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
        assertTrue(plan(resume, inbox, "phone", Optional.of(one)).recovered());
    }

    @Test
    void saysNotRecoveredWhenRetentionRemovedWhatTheClientAskedFor() {
        SwitchboardConfig small = TestConfig.inboxOf(2);
        InMemoryInbox tiny = new InMemoryInbox(small, Clock.systemUTC());
        ResumeService resumer = new ResumeService(tiny, small, Runnable::run, Clock.systemUTC());
        MessageId[] ids = new MessageId[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = tiny.nextId();
            tiny.append("bob", new StoredMessage(ids[i], frame(ids[i], "m" + i)));
        }
        ResumeService.Plan lost = plan(resumer, tiny, "d", Optional.of(ids[0]));
        assertFalse(lost.recovered(), "m1 was trimmed");
        assertEquals(ids[1], lost.after(), "the replay starts at what is left");
        assertTrue(plan(resumer, tiny, "d", Optional.of(ids[1])).recovered());
        MessageId ancient = new MessageId(System.currentTimeMillis() - small.inbox().maxAge().toMillis() - 1000, 0);
        assertFalse(plan(resumer, tiny, "d", Optional.of(ancient)).recovered(), "older than the retention age");
        assertEquals(List.of(ids[2], ids[3]), tiny.open(connect("d").connection(), Optional.of(ids[0]), 10)
                .toCompletableFuture().join().firstPage().stream().map(StoredMessage::id).toList(),
                "the first page holds only what is left");
    }

    @Test
    void holdsLiveDeliveriesBackUntilTheReplayEndsAndDropsOnesItReplayed() {
        MessageId one = store("bob", "one");
        MessageId two = store("bob", "two");
        Client client = connect("phone");
        MessageId three = inbox.nextId();
        // live copies arriving while the connection becomes visible: one the replay will send too, one newer
        List<String> sent = open(resume, client, Optional.empty(), () -> {
            client.connection().deliver(StreamKey.INBOX, two, frame(two, "two"));
            client.connection().deliver(StreamKey.INBOX, three, frame(three, "three"));
            client.connection().deliver(null, null, "{\"type\":\"broadcast\"}"); // no stream: not held
            assertEquals(List.of(), client.sink().sent, "nothing goes out before the welcome");
        });
        assertEquals(List.of("{\"type\":\"broadcast\"}", frame(one, "one"), frame(two, "two"), frame(three, "three")), sent);
        client.connection().deliver(StreamKey.INBOX, three, frame(three, "three"));
        client.connection().deliver(StreamKey.INBOX, two, frame(two, "two"));
        assertEquals(5, client.sink().sent.size(), "a late live copy of a replayed or held message is dropped");
        MessageId four = store("bob", "four");
        client.connection().deliver(StreamKey.INBOX, four, frame(four, "four"));
        assertEquals(frame(four, "four"), client.sink().sent.get(5), "live again once the replay ended");
    }

    @Test
    void dropsTheLateLiveCopyOfAMessageTheReplayAlreadySent() {
        MessageId one = store("bob", "one"); // stored and published; its live copy is still on its way
        Client client = connect("phone");
        assertEquals(List.of(frame(one, "one")), resume(client, Optional.empty()));
        client.connection().deliver(StreamKey.INBOX, one, frame(one, "one")); // the subscriber hands it over now
        assertEquals(List.of(WELCOME, frame(one, "one")), client.sink().sent);
        assertEquals(1, client.connection().duplicatesDropped());
    }

    @Test
    void aNewDeviceGetsAMessageStoredAfterItsOpeningReadThoughAnotherDeviceGotItFirst() {
        MessageId before = store("bob", "before");
        inbox.markSeen("bob", before); // another device of bob's got it
        Deferred deferred = new Deferred(inbox);
        ResumeService resumer = new ResumeService(deferred, config, Runnable::run, Clock.systemUTC());
        Client laptop = connect("laptop");
        resumer.open(laptop.connection(), Optional.empty(), plan -> WELCOME, () -> { }, () -> { });
        InboxOpening read = inbox.open(laptop.connection(), Optional.empty(), 100).toCompletableFuture().join();
        // after the read: stored, relayed to the laptop (held) and delivered to bob's other device (seen moves),
        // all before the read's answer is handled
        MessageId during = store("bob", "during");
        inbox.markSeen("bob", during);
        laptop.connection().deliver(StreamKey.INBOX, during, frame(during, "during"));
        deferred.answer(read);
        assertEquals(List.of(WELCOME, frame(during, "during")), laptop.sink().sent);
    }

    @Test
    void theReplayNeverWaitsOnTheOpeningThreadAndGoesOnAsTheQueueIsWrittenPacedByBytes() {
        String big = "x".repeat(32 * 1024); // 64 KB as counted (UTF-16)
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(store("bob", big + i));
        }
        RecordingSink sink = RecordingSink.stalled();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        List<Runnable> background = new ArrayList<>();
        ResumeService resumer = new ResumeService(inbox, config, background::add, Clock.systemUTC());
        // 1,024 frames would allow all 40, but 1 MB of queue holds only 15 of them
        Connection connection = new Connection("c-big", "big", new Identity("bob", Set.of(), 0), sink, Runnable::run,
                new SendQueueLimits(1024, 1_000_000), (c, code) -> closes.add(code), 0);
        resumer.open(connection, Optional.of(MessageId.ZERO), plan -> WELCOME, () -> { }, () -> { }); // returns: nothing was written yet
        assertTrue(sink.pendingCount() == 1 && background.isEmpty(), "the welcome in flight, the replay waiting for the writer");
        int completed = 0;
        int continuations = 0;
        while (completed < 41) { // the welcome and 40 messages, written one at a time as a slow reader would
            if (!background.isEmpty()) {
                List<Runnable> due = List.copyOf(background);
                background.clear();
                due.forEach(Runnable::run);
                continuations += due.size();
                continue;
            }
            assertTrue(connection.isOpen(), "never cut as a slow consumer");
            assertTrue(sink.pendingCount() > 0, "a send in flight while the replay waits");
            sink.completeNext();
            completed++;
        }
        assertEquals(List.of(), closes);
        assertEquals(41, sink.sent.size());
        assertTrue(continuations >= 4, "half a queue (8 of these) at a time: woken by the writer " + continuations + " times");
        for (int i = 0; i < 40; i++) {
            assertEquals(frame(ids.get(i), big + i), sink.sent.get(i + 1), "in order");
        }
    }

    @Test
    void recordsAsSeenOnlyWhatTheSocketTook() {
        MessageId one = store("bob", "one");
        MessageId two = store("bob", "two");
        RecordingSink sink = RecordingSink.stalled();
        Connection phone = new Connection("c-p", "phone", new Identity("bob", Set.of(), 0), sink, Runnable::run,
                new SendQueueLimits(100, 1_000_000), (c, code) -> { }, 0);
        resume.open(phone, Optional.of(MessageId.ZERO), plan -> WELCOME, () -> { }, () -> { });
        assertEquals(Optional.empty(), inbox.seen("bob"), "queued is not sent");
        sink.completeNext();
        sink.completeNext();
        assertEquals(Optional.empty(), inbox.seen("bob"));
        sink.completeNext();
        assertEquals(Optional.of(two), inbox.seen("bob"));

        MessageId three = store("bob", "three");
        RecordingSink stuck = RecordingSink.stalled();
        Connection tablet = new Connection("c-t", "tablet", new Identity("bob", Set.of(), 0), stuck, Runnable::run,
                new SendQueueLimits(100, 1_000_000), (c, code) -> { }, 0);
        resume.open(tablet, Optional.of(one), plan -> WELCOME, () -> { }, () -> { });
        tablet.close(CloseCodes.SLOW_CONSUMER, "cut"); // its queue, with "two" and "three", is dropped
        assertEquals(Optional.of(two), inbox.seen("bob"), "what was dropped with the queue is not seen");
        assertTrue(three.isAfter(two));
    }

    @Test
    void closesWith1012WhenTheStoreFailsPartWayInsteadOfGoingOnPastTheGap() {
        for (int i = 0; i < 150; i++) {
            store("bob", "m" + i);
        }
        Inbox failing = new FailingAfterFirstRead(inbox);
        ResumeService resumer = new ResumeService(failing, config, Runnable::run, Clock.systemUTC());
        Client client = connect("phone");
        List<Integer> closes = new ArrayList<>();
        Connection connection = new Connection("c-f", "phone", new Identity("bob", Set.of(), 0), client.sink(), Runnable::run,
                new SendQueueLimits(1000, 10_000_000), (c, code) -> closes.add(code), 0);
        resumer.open(connection, Optional.empty(), plan -> WELCOME, () -> { }, () -> { });
        assertEquals(List.of(CloseCodes.SERVICE_RESTART), client.sink().closeCodes);
        assertEquals(101, client.sink().sent.size(), "the welcome and the first page went out before the close");
        MessageId later = store("bob", "later");
        assertFalse(connection.deliver(StreamKey.INBOX, later, frame(later, "later")), "nothing live after the gap");
        assertEquals(Optional.empty(), inbox.seen("bob"), "a failed replay records nothing as seen");
    }

    @Test
    void waitsForAnOpeningReadDoneElsewhereHoldingWhatArrivesAndSendsTheWelcomeFirst() {
        MessageId one = store("bob", "one");
        Deferred deferred = new Deferred(inbox);
        ResumeService resumer = new ResumeService(deferred, config, Runnable::run, Clock.systemUTC());
        Client client = connect("phone");
        List<String> announced = new ArrayList<>();
        resumer.open(client.connection(), Optional.empty(), plan -> WELCOME, () -> { }, () -> announced.add("presence"));
        MessageId two = store("bob", "two"); // stored before the read (in its page), delivered live meanwhile
        client.connection().deliver(StreamKey.INBOX, two, frame(two, "two"));
        client.connection().deliver(null, null, "{\"type\":\"broadcast\"}");
        assertEquals(List.of(), client.sink().sent, "nothing before the read answered");
        MessageId three = store("bob", "three"); // stored after the read: only live
        deferred.answer(new InboxOpening(Optional.empty(), Optional.empty(), MessageId.ZERO,
                List.of(new StoredMessage(one, frame(one, "one")), new StoredMessage(two, frame(two, "two"))), true));
        client.connection().deliver(StreamKey.INBOX, three, frame(three, "three"));
        assertEquals(List.of(WELCOME, "{\"type\":\"broadcast\"}", frame(one, "one"), frame(two, "two"), frame(three, "three")),
                client.sink().sent, "the welcome, what came meanwhile, the page, then live; the held copy of two dropped");
        assertEquals(List.of(), announced, "the read's own step made it visible");
    }

    @Test
    void announcesTheConnectionItselfWhenTheOpeningReadDidNot() {
        Deferred deferred = new Deferred(inbox);
        ResumeService resumer = new ResumeService(deferred, config, Runnable::run, Clock.systemUTC());
        Client client = connect("phone");
        List<String> order = new ArrayList<>();
        resumer.open(client.connection(), Optional.empty(), plan -> {
            order.add("welcome");
            return WELCOME;
        }, () -> order.add("registered"), () -> order.add("announced"));
        assertEquals(List.of("registered"), order, "on this node at once, before the read");
        deferred.answer(new InboxOpening(Optional.empty(), Optional.empty(), MessageId.ZERO, List.of(), false));
        assertEquals(List.of("registered", "announced", "welcome"), order);
    }

    @Test
    void startsWithLiveTrafficAndSaysSoWhenTheOpeningReadFails() {
        Deferred deferred = new Deferred(inbox);
        ResumeService resumer = new ResumeService(deferred, config, Runnable::run, Clock.systemUTC());
        Client client = connect("phone");
        List<ResumeService.Plan> plans = new ArrayList<>();
        List<String> announced = new ArrayList<>();
        resumer.open(client.connection(), Optional.empty(), plan -> {
            plans.add(plan);
            return WELCOME;
        }, () -> { }, () -> announced.add("presence"));
        MessageId live = store("bob", "live");
        client.connection().deliver(StreamKey.INBOX, live, frame(live, "live"));
        deferred.fail(new ProtocolException(ErrorCode.RELAY_UNAVAILABLE, "Redis is down"));
        assertEquals(Arrays.asList((ResumeService.Plan) null), plans, "the welcome says stored messages are unavailable");
        assertEquals(List.of("presence"), announced, "visible gateway-wide all the same");
        assertEquals(List.of(WELCOME, frame(live, "live")), client.sink().sent, "then live traffic, what was held included");
    }

    @Test
    void closesWith1013WithoutAWelcomeWhenTheStoreIsTooBusyToTakeTheRead() {
        Deferred deferred = new Deferred(inbox);
        ResumeService resumer = new ResumeService(deferred, config, Runnable::run, Clock.systemUTC());
        Client client = connect("phone");
        resumer.open(client.connection(), Optional.empty(), plan -> WELCOME, () -> { }, () -> { });
        deferred.fail(new RejectedExecutionException("lane full"));
        assertEquals(List.of(), client.sink().sent);
        assertEquals(List.of(CloseCodes.TRY_AGAIN_LATER), client.sink().closeCodes, "the client comes back after a backoff");
        assertFalse(client.connection().isOpen());
    }

    /** Delegates every read to another inbox. */
    private abstract static class DelegatingInbox implements Inbox {
        final Inbox delegate;

        DelegatingInbox(Inbox delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<StoredMessage> read(String user, MessageId after, int limit) {
            return delegate.read(user, after, limit);
        }

        @Override
        public MessageId trimmedUpTo(String user) {
            return delegate.trimmedUpTo(user);
        }

        @Override
        public List<StoredMessage> readRoom(String room, MessageId after, int limit) {
            return delegate.readRoom(room, after, limit);
        }

        @Override
        public List<StoredMessage> latestOfRoom(String room, int limit) {
            return delegate.latestOfRoom(room, limit);
        }

        @Override
        public MessageId roomTrimmedUpTo(String room) {
            return delegate.roomTrimmedUpTo(room);
        }

        @Override
        public Optional<MessageId> cursor(String user, String device) {
            return delegate.cursor(user, device);
        }

        @Override
        public void saveCursor(String user, String device, MessageId upTo) {
            delegate.saveCursor(user, device, upTo);
        }

        @Override
        public Optional<MessageId> seen(String user) {
            return delegate.seen(user);
        }

        @Override
        public void markSeen(String user, MessageId id) {
            delegate.markSeen(user, id);
        }
    }

    /** An inbox whose opening read answers when the test says, as the Redis one answers on a lane thread. */
    private static final class Deferred extends DelegatingInbox {
        private final CompletableFuture<InboxOpening> opening = new CompletableFuture<>();

        Deferred(Inbox delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<InboxOpening> open(Connection connection, Optional<MessageId> since,
                int pageSize) {
            return opening;
        }

        void answer(InboxOpening read) {
            opening.complete(read);
        }

        void fail(Throwable failure) {
            opening.completeExceptionally(failure);
        }
    }

    /** An inbox whose reads fail after the first one, as when Redis goes away during a replay. */
    private static final class FailingAfterFirstRead extends DelegatingInbox {
        private int reads;

        FailingAfterFirstRead(Inbox delegate) {
            super(delegate);
        }

        @Override
        public List<StoredMessage> read(String user, MessageId after, int limit) {
            if (reads++ > 0) {
                throw new ProtocolException(ErrorCode.RELAY_UNAVAILABLE, "gone");
            }
            return delegate.read(user, after, limit);
        }
    }
}
