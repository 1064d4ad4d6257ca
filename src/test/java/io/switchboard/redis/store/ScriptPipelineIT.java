package io.switchboard.redis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.config.TestConfig;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.redis.client.NotReplicatedException;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.redis.client.RedisScript;
import io.switchboard.testing.process.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The script pipeline against a real redis-server, without Payara: calls are batched yet each gets its
 * own reply, a sender's calls run in submission order whatever else is queued, a Redis that forgot its
 * scripts is handled, a full lane refuses at once, and a lost Redis fails the calls instead of hanging.
 */
class ScriptPipelineIT {
    /** Appends ARGV[1] to the list KEYS[1]; answers the list's length. */
    private static final RedisScript APPEND = new RedisScript("return redis.call('RPUSH', KEYS[1], ARGV[1])");
    /** Keeps Redis busy for ARGV[1] ms (a slow command), then answers "done". */
    private static final RedisScript SLOW = new RedisScript("""
            local t = redis.call('TIME')
            local start = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
            repeat
              t = redis.call('TIME')
            until tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 - start >= tonumber(ARGV[1])
            return 'done'
            """);

    private static RedisServer redis;
    private final List<ScriptPipeline> pipelines = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(Path.of("target", "redis-pipeline-it"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void stopPipelines() {
        pipelines.forEach(pipeline -> {
            pipeline.stop();
            pipeline.redis.close();
        });
    }

    private ScriptPipeline pipeline(int lanes, int queue, int maxBatch) {
        return pipeline(redis, lanes, queue, maxBatch);
    }

    private ScriptPipeline pipeline(RedisServer server, int lanes, int queue, int maxBatch) {
        ScriptPipeline pipeline = new ScriptPipeline();
        pipeline.config = TestConfig.pipeline(server.url(), lanes, queue, maxBatch);
        pipeline.redis = RedisFixtures.client(pipeline.config);
        pipeline.traffic = new TrafficCounters();
        pipeline.laneThreads = Thread::new;
        pipelines.add(pipeline);
        return pipeline;
    }

    private static Object await(CompletableFuture<Object> reply) {
        return reply.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void withReplicasToWaitForABatchIsAcknowledgedOnlyOnceAReplicaHasIt() throws Exception {
        ScriptPipeline pipeline = pipeline(1, 100, 16);
        pipeline.config = TestConfig.pipelineWaitingFor(redis.url(), 1, 200);
        pipeline.redis = RedisFixtures.client(pipeline.config);
        CompletionException alone = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> await(pipeline.submit("alice", APPEND, List.of("list:waited"), List.of("m0"))));
        assertInstanceOf(NotReplicatedException.class, alone.getCause(), "no replica: the write is not acknowledged");
        try (RedisServer replica = RedisServer.start(Path.of("target", "redis-pipeline-it-replica"))) {
            replica.command("REPLICAOF 127.0.0.1 " + redis.port());
            // Not "link up" nor "online" at the master: right after a full sync Redis (7.0) may leave a WAIT
            // unconfirmed until the replica's first acknowledgement of new writes, which the product rightly
            // answers with not-replicated. The precondition of what follows is that the replica confirms writes.
            io.switchboard.testing.Eventually.within(java.time.Duration.ofSeconds(15), "the replica confirming writes",
                    () -> confirmsWrites(redis));
            assertEquals(2L, await(pipeline.submit("alice", APPEND, List.of("list:waited"), List.of("m1"))));
        }
    }

    /** Whether a write on a fresh connection to {@code master} is confirmed by a replica within 100 ms. */
    private static boolean confirmsWrites(RedisServer master) {
        try (redis.clients.jedis.Jedis probe = new redis.clients.jedis.Jedis("127.0.0.1", master.port())) {
            probe.set("replication-probe", String.valueOf(System.nanoTime()));
            return probe.waitReplicas(1, 100) >= 1;
        }
    }

    @Test
    void eachCallGetsItsOwnReplyInTheOrderItWasSubmitted() throws Exception {
        ScriptPipeline pipeline = pipeline(2, 10_000, 64);
        String key = "list:one-sender";
        List<CompletableFuture<Object>> replies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            replies.add(pipeline.submit("alice", APPEND, List.of(key), List.of("m" + i)));
        }
        for (int i = 0; i < replies.size(); i++) {
            assertEquals((long) i + 1, await(replies.get(i)), "call " + i + " got its own reply");
        }
        assertEquals(IntStream.range(0, 1000).mapToObj(i -> "m" + i).toList(), range(key));
    }

    @Test
    void everySendersCallsRunInItsOwnOrderWhenManySendConcurrently() throws Exception {
        ScriptPipeline pipeline = pipeline(3, 10_000, 32);
        int senders = 8;
        int each = 300;
        ExecutorService threads = Executors.newFixedThreadPool(senders);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Object>> last = new ArrayList<>();
        List<java.util.concurrent.Future<CompletableFuture<Object>>> submitted = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            String sender = "sender-" + s;
            submitted.add(threads.submit(() -> {
                go.await();
                CompletableFuture<Object> reply = null;
                for (int i = 0; i < each; i++) {
                    reply = pipeline.submit(sender, APPEND, List.of("list:" + sender), List.of(String.valueOf(i)));
                }
                return reply;
            }));
        }
        go.countDown();
        for (var future : submitted) {
            last.add(future.get(10, TimeUnit.SECONDS));
        }
        threads.shutdown();
        last.forEach(reply -> assertEquals((long) each, await(reply)));
        for (int s = 0; s < senders; s++) {
            assertEquals(IntStream.range(0, each).mapToObj(String::valueOf).toList(), range("list:sender-" + s),
                    "sender-" + s + "'s calls in submission order");
        }
    }

    @Test
    void aScriptRedisDoesNotKnowIsSentAgainWithItsText() throws Exception {
        ScriptPipeline pipeline = pipeline(1, 100, 16);
        redis.command("SCRIPT FLUSH");
        List<CompletableFuture<Object>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(pipeline.submit("bob", APPEND, List.of("list:flushed"), List.of("x" + i)));
        }
        replies.forEach(ScriptPipelineIT::await);
        assertEquals(List.of("x0", "x1", "x2", "x3", "x4"), range("list:flushed"), "each ran once, in order");
    }

    @Test
    void aFullLaneRefusesAtOnceAndServesAgainOnceDrained() throws Exception {
        ScriptPipeline pipeline = pipeline(1, 2, 1);
        CompletableFuture<Object> slow = pipeline.submit("carol", SLOW, List.of(), List.of("500"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pipeline.queued() > 0) { // the lane took the slow call and waits for Redis
            assertTrue(System.nanoTime() < deadline, "the lane never took the first call");
            Thread.sleep(1);
        }
        CompletableFuture<Object> second = pipeline.submit("carol", APPEND, List.of("list:full"), List.of("a"));
        CompletableFuture<Object> third = pipeline.submit("carol", APPEND, List.of("list:full"), List.of("b"));
        CompletableFuture<Object> refused = pipeline.submit("carol", APPEND, List.of("list:full"), List.of("c"));
        assertTrue(refused.isCompletedExceptionally(), "refused without waiting");
        assertInstanceOf(RejectedExecutionException.class, cause(refused));
        assertEquals("done", await(slow));
        assertEquals(1L, await(second));
        assertEquals(2L, await(third));
        assertEquals(3L, await(pipeline.submit("carol", APPEND, List.of("list:full"), List.of("d"))));
        assertEquals(List.of("a", "b", "d"), range("list:full"), "the refused call never ran");
    }

    @Test
    void callsFailWhenRedisIsGoneAndSucceedOnceItIsBack() throws Exception {
        RedisServer own = RedisServer.start(Path.of("target", "redis-pipeline-it-own"));
        try {
            ScriptPipeline pipeline = pipeline(own, 1, 100, 16);
            assertEquals(1L, await(pipeline.submit("dan", APPEND, List.of("list:gone"), List.of("1"))));
            own.kill();
            CompletableFuture<Object> lost = pipeline.submit("dan", APPEND, List.of("list:gone"), List.of("2"));
            try {
                await(lost);
                fail("a call to a dead Redis succeeded");
            } catch (CompletionException e) {
                assertInstanceOf(JedisException.class, e.getCause());
            }
            own.restart();
            pipeline.redis.discardIdleConnections();
            assertEquals(1L, await(pipeline.submit("dan", APPEND, List.of("list:gone"), List.of("3"))),
                    "served again (the restarted Redis is empty)");
        } finally {
            own.close();
        }
    }

    private static Throwable cause(CompletableFuture<Object> failed) {
        try {
            failed.join();
            throw new AssertionError("did not fail");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private static List<String> range(String key) {
        try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
            return jedis.lrange(key, 0, -1);
        }
    }
}
