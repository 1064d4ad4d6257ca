package io.switchboard.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import io.switchboard.security.Identity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConnectionTest {
    private final List<Integer> closedWith = new ArrayList<>();

    private Connection connection(FrameSink sink, int maxFrames, long maxBytes) {
        return new Connection("c1", new Identity("alice", Set.of(), 0), sink, new SendQueueLimits(maxFrames, maxBytes),
                (c, code) -> closedWith.add(code), 0);
    }

    @Test
    void sendsFramesInOrderWithOneInFlight() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = connection(sink, 10, 1_000_000);
        assertTrue(connection.send("a"));
        assertTrue(connection.send("b"));
        assertTrue(connection.send("c"));
        assertEquals(List.of("a"), sink.sent, "only one send in flight");
        sink.completeNext();
        assertEquals(List.of("a", "b"), sink.sent);
        sink.completeNext();
        sink.completeNext();
        assertEquals(List.of("a", "b", "c"), sink.sent);
        assertEquals(0, connection.queuedFrames());
    }

    private Connection batching(FrameSink sink, FrameBatching batching, java.util.concurrent.Executor writer) {
        return new Connection("c1", "c1", new Identity("alice", Set.of(), 0), sink, writer, new SendQueueLimits(100, 1_000_000),
                batching, (c, code) -> closedWith.add(code), 0);
    }

    @Test
    void joinsTheFramesQueuedBehindTheOneInFlightInOrderWithinTheFrameCap() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = batching(sink, new FrameBatching(true, 3, 1_000, 0), Runnable::run);
        IntStream.rangeClosed(1, 6).forEach(i -> connection.send("{\"n\":" + i + "}"));
        assertEquals(List.of("{\"n\":1}"), sink.sent, "a frame offered to an idle connection goes at once, alone");
        assertEquals(6, connection.queuedFrames());
        sink.completeNext();
        assertEquals("{\"n\":2}\n{\"n\":3}\n{\"n\":4}", sink.sent.get(1), "three joined by \\n, in order");
        assertEquals(5, connection.queuedFrames(), "joined frames count until their write completes");
        sink.completeNext();
        assertEquals("{\"n\":5}\n{\"n\":6}", sink.sent.get(2));
        sink.completeNext();
        assertEquals(0, connection.queuedFrames());
        assertEquals(0, connection.queuedBytes());
    }

    @Test
    void neverJoinsPastTheByteCapAndSendsALargerFrameAlone() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = batching(sink, new FrameBatching(true, 16, 64 * 1024, 0), Runnable::run);
        String big = "\"" + "x".repeat(64 * 1024 - 2) + "\""; // 64 KB: the cap itself
        String accented = "\"" + "é".repeat(20_000) + "\""; // 40,002 bytes in UTF-8, 20,002 chars
        connection.send("{}");
        connection.send("1");
        connection.send(big);
        connection.send(accented);
        connection.send(accented);
        connection.send("2");
        sink.completeNext();
        assertEquals("1", sink.sent.get(1), "the 64 KB frame does not fit beside it");
        sink.completeNext();
        assertEquals(big, sink.sent.get(2), "alone: joining anything would pass the cap");
        sink.completeNext();
        assertEquals(accented, sink.sent.get(3), "two of these pass 64 KB in UTF-8, though not in chars");
        sink.completeNext();
        assertEquals(accented + "\n2", sink.sent.get(4));
        assertTrue(sink.sent.stream().allMatch(frame -> frame.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 64 * 1024));
    }

    @Test
    void endsABatchAtAPingOrAQueuedCloseAndNeverJoinsWithoutOptIn() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = batching(sink, new FrameBatching(true, 16, 1_000, 0), Runnable::run);
        connection.send("a");
        connection.send("b");
        connection.ping(1);
        connection.send("c");
        connection.closeAfterQueued(CloseCodes.DISCONNECTED, "bye");
        sink.completeNext();
        assertEquals(List.of("a", "b"), sink.sent, "b alone: the ping behind it ends the batch");
        assertEquals(0, sink.pings);
        sink.completeNext();
        assertEquals(1, sink.pings, "the ping after b");
        assertEquals(List.of("a", "b", "c"), sink.sent, "c after the ping");
        sink.completeNext();
        assertEquals(List.of(CloseCodes.DISCONNECTED), sink.closeCodes, "closed after c, never joined into it");

        RecordingSink plain = RecordingSink.stalled();
        Connection unbatched = connection(plain, 10, 1_000_000);
        unbatched.send("a");
        unbatched.send("b");
        unbatched.send("c");
        plain.completeNext();
        plain.completeNext();
        plain.completeNext();
        assertEquals(List.of("a", "b", "c"), plain.sent, "no joined frame without opt-in");
    }

    @Test
    void aClientThatOptedInWithJoiningSwitchedOffStillBatchesItsCommandsButGetsFramesAlone() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = batching(sink, new FrameBatching(true, 1, 1_000, 0), Runnable::run);
        assertTrue(connection.batches(), "its joined commands are split: it opted in");
        connection.send("a");
        connection.send("b");
        sink.completeNext();
        assertEquals(List.of("a", "b"), sink.sent, "batch-max-frames=1: never joined");
        assertFalse(connection(RecordingSink.fast(), 10, 1_000).batches(), "a client that did not opt in");
    }

    @Test
    void waitsTheBatchingDelayOnceForCompanyBeforeWriting() throws Exception {
        RecordingSink sink = RecordingSink.fast();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Connection connection = batching(sink, new FrameBatching(true, 16, 1_000, 200), writer);
            connection.send("a");
            connection.send("b");
            connection.send("c");
            io.switchboard.testing.Eventually.within(java.time.Duration.ofSeconds(5), "the delayed write", () -> !sink.sent.isEmpty());
            assertEquals(List.of("a\nb\nc"), sink.sent, "what arrived within the delay went in one frame");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void drainsLongQueuesWithoutRecursingWhenSendsCompleteInline() {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = connection(sink, 200_000, Long.MAX_VALUE);
        IntStream.range(0, 100_000).forEach(i -> connection.send("f" + i));
        assertEquals(100_000, sink.sent.size());
        assertEquals("f99999", sink.sent.get(99_999));
    }

    @Test
    void cutsAsSlowConsumerWhenTheFrameLimitIsExceeded() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = connection(sink, 3, 1_000_000);
        assertTrue(connection.send("1"));
        assertTrue(connection.send("2"));
        assertTrue(connection.send("3"));
        assertFalse(connection.send("4"));
        assertEquals(List.of(CloseCodes.SLOW_CONSUMER), sink.closeCodes);
        assertEquals(List.of(CloseCodes.SLOW_CONSUMER), closedWith);
        assertFalse(connection.isOpen());
        assertFalse(connection.send("5"), "closed connections refuse frames");
    }

    @Test
    void cutsAsSlowConsumerWhenTheByteLimitIsExceeded() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = connection(sink, 1000, 100); // 100 bytes = 50 UTF-16 chars
        assertTrue(connection.send("x".repeat(30)));
        assertFalse(connection.send("y".repeat(30)));
        assertEquals(List.of(CloseCodes.SLOW_CONSUMER), sink.closeCodes);
    }

    @Test
    void keepsCountingBytesRightWhenTheFrameLimitRefusesAFrame() {
        RecordingSink sink = RecordingSink.stalled();
        Outbox outbox = new Outbox(sink, Runnable::run, 2, 100, failure -> { });
        assertEquals(Outbox.Offer.QUEUED, outbox.offer("a".repeat(20))); // 40 bytes
        assertEquals(Outbox.Offer.QUEUED, outbox.offer("b".repeat(20))); // 80 bytes
        assertEquals(Outbox.Offer.FULL, outbox.offer("c")); // third frame
        sink.completeNext();
        sink.completeNext();
        assertEquals(0, outbox.queuedFrames());
        assertEquals(Outbox.Offer.FULL, outbox.offer("d".repeat(51)), "102 bytes exceed 100: the refusal left no drift");
        assertEquals(Outbox.Offer.QUEUED, outbox.offer("d".repeat(50)), "100 bytes fit exactly");
    }

    @Test
    void writesOnTheWriterNotOnTheSendersThreadAndReportsStalledSends() {
        RecordingSink sink = RecordingSink.stalled();
        List<Runnable> writerTasks = new ArrayList<>();
        Connection connection = new Connection("c1", new Identity("alice", Set.of(), 0), sink, writerTasks::add,
                new SendQueueLimits(10, 1000), (c, code) -> closedWith.add(code), 0);
        assertTrue(connection.send("a"));
        assertTrue(sink.sent.isEmpty(), "the sender only enqueues");
        assertEquals(0, connection.sendStalledNanos(System.nanoTime()));
        writerTasks.remove(0).run();
        assertEquals(List.of("a"), sink.sent);
        long now = System.nanoTime();
        assertTrue(connection.sendStalledNanos(now + 5_000_000_000L) >= 5_000_000_000L, "a send in flight ages");
        sink.completeNext();
        assertEquals(0, connection.sendStalledNanos(System.nanoTime()), "nothing in flight after completion");
        connection.ping(now);
        assertEquals(0, sink.pings, "pings go through the writer too");
        writerTasks.remove(0).run();
        assertEquals(1, sink.pings);
    }

    @Test
    void closesOnceWhenASendFails() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = connection(sink, 10, 1000);
        connection.send("a");
        connection.send("b");
        sink.failNext(new IOException("broken pipe"));
        assertFalse(connection.isOpen());
        assertEquals(List.of(CloseCodes.GOING_AWAY), closedWith);
        assertEquals(List.of("a"), sink.sent, "nothing more is sent after a failure");
        assertFalse(connection.send("c"));
        assertEquals(List.of(CloseCodes.GOING_AWAY), closedWith, "a send after a failure is no slow consumer");
        connection.close(CloseCodes.HEARTBEAT_TIMEOUT, "late");
        assertEquals(1, closedWith.size(), "close listener runs once");
    }

    @Test
    void closesAfterWhatIsQueuedWhenDraining() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = connection(sink, 10, 1000);
        connection.send("a");
        connection.send("b");
        connection.closeAfterQueued(CloseCodes.SERVICE_RESTART, "restart");
        assertFalse(connection.send("c"), "nothing new after the drain started");
        assertTrue(sink.closeCodes.isEmpty(), "not before the queued frames are out");
        sink.completeNext();
        sink.completeNext();
        assertEquals(List.of("a", "b"), sink.sent);
        assertEquals(List.of(CloseCodes.SERVICE_RESTART), sink.closeCodes);
        assertFalse(connection.isOpen());
    }

    @Test
    void queuesPingsBehindDataOneAtATime() {
        RecordingSink sink = RecordingSink.stalled();
        Connection connection = connection(sink, 10, 1000);
        connection.ping(5);
        assertEquals(1, sink.pings);
        assertEquals(5, connection.lastPingNanos());
        connection.send("busy");
        connection.ping(6);
        connection.ping(7);
        assertEquals(1, sink.pings, "waits behind the frame in flight");
        assertEquals(7, connection.lastPingNanos());
        sink.completeNext();
        assertEquals(2, sink.pings, "sent once the data ahead of it went out; one ping, not two");
    }

    @Test
    void deliversEveryFrameExactlyOnceUnderConcurrentSenders() throws Exception {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = connection(sink, 1_000_000, Long.MAX_VALUE);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    connection.send(thread + ":" + i);
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(threads * perThread, sink.sent.size());
        assertEquals(threads * perThread, Set.copyOf(sink.sent).size());
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<String> ofThread = sink.sent.stream().filter(s -> s.startsWith(prefix)).toList();
            assertEquals(IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList(), ofThread, "per-sender order kept");
        }
    }

    @Test
    void aNewerReplayOfAStreamSupersedesTheRunningOneAndKeepsWhatItHeld() {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = connection(sink, 10, 1_000_000);
        StreamKey lobby = StreamKey.room("lobby");
        Replay first = connection.beginReplay(lobby, MessageId.ZERO);
        MessageId live = new MessageId(5, 0);
        assertTrue(connection.deliver(lobby, live, "live"), "held while the first replay runs");
        Replay second = connection.beginReplay(lobby, MessageId.ZERO);
        assertFalse(connection.sendReplayed(first, new MessageId(1, 0), "old replay"), "the first replay stops");
        connection.endReplay(first); // no longer current: lets nothing through
        assertEquals(List.of(), sink.sent);
        assertTrue(connection.sendReplayed(second, new MessageId(2, 0), "history"));
        connection.endReplay(second);
        assertEquals(List.of("history", "live"), sink.sent, "the held live message, carried over, goes out once");
    }
}
