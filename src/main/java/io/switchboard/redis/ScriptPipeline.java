package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Runs the scripts of many requests in one Redis round trip. Callers (WebSocket and HTTP threads) only
 * enqueue and get a future; each of {@code switchboard.redis.pipeline.lanes} lane threads takes what
 * its queue holds (up to {@code max-batch} calls), sends it as one pipeline on one pooled connection,
 * and completes the futures in order. So a socket thread never waits on Redis, and Redis sees a few
 * busy connections instead of one round trip per message. With {@code switchboard.redis.wait.replicas} set,
 * the batch ends with one {@code WAIT} for all its writes; a batch the replicas did not confirm in time
 * fails whole ({@link NotReplicatedException}): stored on the master, but not acknowledged.
 *
 * <p>Order: calls with the same lane key (a sender) go to the same lane and run in the order they were
 * submitted. A full lane queue refuses the call at once ({@link RejectedExecutionException}): the
 * caller answers "overloaded, retry" instead of queueing without bound.
 *
 * <p>Threads: {@link #submit} on any thread; everything else on the lane's own thread. Futures complete
 * on the lane thread, so what callers chain onto them must not block.
 */
@ApplicationScoped
public class ScriptPipeline {
    private static final Logger LOG = Logger.getLogger(ScriptPipeline.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    RedisClient redis;

    @Inject
    TrafficCounters traffic;

    @Resource
    ManagedThreadFactory threads;

    /** Where lane threads come from when set (tests without a container); else {@link #threads}. */
    ThreadFactory laneThreads;

    /** Stands for a reply still to come: the call goes again with the script's text. */
    private static final Object NOT_RUN = new Object();

    private volatile Lane[] lanes;
    private volatile boolean stopped;

    /** One script run for a request: the future gets Redis' reply, or the error that kept it from running. */
    private record Call(RedisScript script, List<String> keys, List<String> args, CompletableFuture<Object> reply) {
    }

    /**
     * Queues one run of {@code script}; calls with equal {@code laneKey} run in submission order. The future
     * fails with a {@link JedisException} when Redis failed (which may mean it ran: the reply was lost) and
     * with {@link RejectedExecutionException} at once when the lane is full (then it surely did not run).
     */
    CompletableFuture<Object> submit(String laneKey, RedisScript script, List<String> keys, List<String> args) {
        Call call = new Call(script, keys, args, new CompletableFuture<>());
        Lane[] all = lanes();
        Lane lane = all[Math.floorMod(laneKey.hashCode(), all.length)];
        if (stopped || !lane.queue.offer(call)) {
            call.reply.completeExceptionally(new RejectedExecutionException(stopped
                    ? "shutting down" : "more Redis work queued than switchboard.redis.pipeline.queue allows"));
        } else if (stopped) {
            lane.failQueued(); // stopped while offering: the lane may have drained for the last time already
        }
        return call.reply;
    }

    private Lane[] lanes() {
        Lane[] current = lanes;
        if (current == null) {
            synchronized (this) {
                if (lanes == null) {
                    Lane[] started = new Lane[config.redis().pipelineLanes()];
                    for (int i = 0; i < started.length; i++) {
                        started[i] = new Lane(new ArrayBlockingQueue<>(config.redis().pipelineQueue()));
                        Thread thread = (laneThreads != null ? laneThreads : threads).newThread(started[i]);
                        thread.setName("switchboard-redis-lane-" + i);
                        thread.start();
                    }
                    lanes = started;
                }
                current = lanes;
            }
        }
        return current;
    }

    /** Calls waiting in the lanes' queues (not yet sent). */
    int queued() {
        Lane[] current = lanes;
        int queued = 0;
        if (current != null) {
            for (Lane lane : current) {
                queued += lane.queue.size();
            }
        }
        return queued;
    }

    @PreDestroy
    void stop() {
        stopped = true;
        Lane[] current = lanes;
        if (current != null) {
            for (Lane lane : current) {
                lane.stop();
            }
        }
    }

    /** A queue and the thread that drains it. */
    private final class Lane implements Runnable {
        private final BlockingQueue<Call> queue;
        private volatile Thread thread;

        Lane(BlockingQueue<Call> queue) {
            this.queue = queue;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            List<Call> batch = new ArrayList<>();
            while (!stopped) {
                try {
                    Call first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, config.redis().pipelineMaxBatch() - 1);
                    runBatch(batch);
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "A Redis pipeline lane failed a batch", e);
                    batch.forEach(call -> call.reply.completeExceptionally(e));
                } finally {
                    batch.clear();
                }
            }
            failQueued();
        }

        void stop() {
            Thread current = thread;
            if (current != null) {
                current.interrupt();
            }
            failQueued();
        }

        private void failQueued() {
            List<Call> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(call -> call.reply.completeExceptionally(new RejectedExecutionException("shutting down")));
        }
    }

    /**
     * One round trip for the batch (see {@link #run}); on a Redis Cluster, calls answered {@code MOVED} (their
     * slot changed master, so they did not run) go once more after the slot map is re-read. Each call's
     * future then gets its reply or error.
     */
    private void runBatch(List<Call> batch) {
        long start = System.nanoTime();
        List<Object> results;
        try {
            results = run(batch);
            List<Call> moved = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (results.get(i) instanceof JedisMovedDataException e) {
                    redis.noticeFailure(e);
                    moved.add(batch.get(i));
                }
            }
            if (!moved.isEmpty()) {
                List<Object> retried = run(moved);
                for (int i = 0, r = 0; i < batch.size(); i++) {
                    if (results.get(i) instanceof JedisMovedDataException) {
                        results.set(i, retried.get(r++));
                    }
                }
            }
        } catch (JedisException e) {
            batch.forEach(call -> call.reply.completeExceptionally(e));
            return;
        }
        traffic.redisRoundTrip(System.nanoTime() - start);
        for (int i = 0; i < batch.size(); i++) {
            Object result = results.get(i);
            if (result instanceof JedisException e) {
                batch.get(i).reply.completeExceptionally(e);
            } else {
                batch.get(i).reply.complete(result);
            }
        }
    }

    /**
     * Sends the calls as one pipeline and returns each one's reply or {@link JedisException}, in order. A
     * script Redis does not know (first use, or Redis restarted empty) did not run: those calls go again
     * with the script's text, in their order. Throws when the round trip itself failed.
     */
    private List<Object> run(List<Call> batch) {
        List<Response<Object>> replies = new ArrayList<>(batch.size());
        List<Call> unknownScript = new ArrayList<>();
        List<Object> results = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Call call : batch) {
                replies.add(pipeline.evalsha(call.script().sha1(), call.keys(), call.args()));
            }
            Response<Long> replicated = redis.awaitReplicas(pipeline);
            pipeline.sync();
            for (int i = 0; i < batch.size(); i++) {
                try {
                    results.add(replies.get(i).get());
                } catch (JedisNoScriptException e) {
                    unknownScript.add(batch.get(i));
                    results.add(NOT_RUN);
                } catch (JedisException e) {
                    results.add(e);
                }
            }
            if (!unknownScript.isEmpty()) {
                List<Response<Object>> retried = new ArrayList<>(unknownScript.size());
                for (Call call : unknownScript) {
                    retried.add(pipeline.eval(call.script().text(), call.keys(), call.args()));
                }
                replicated = redis.awaitReplicas(pipeline);
                pipeline.sync();
                for (int i = 0, r = 0; i < batch.size(); i++) {
                    if (results.get(i) == NOT_RUN) {
                        try {
                            results.set(i, retried.get(r).get());
                        } catch (JedisException e) {
                            results.set(i, e);
                        }
                        r++;
                    }
                }
            }
            redis.checkReplicas(replicated);
        }
        return results;
    }
}
