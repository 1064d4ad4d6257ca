package io.switchboard.redis.store;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisScript;
import io.switchboard.redis.presence.RedisPresence;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Runs the scripts of many requests in one Redis round trip, and relays live-only messages the same way.
 * Callers (WebSocket and HTTP threads) only enqueue and get a future; each of
 * {@code switchboard.redis.pipeline.lanes} lane threads takes what its queue holds (up to {@code max-batch}
 * calls), sends it as one pipeline on one pooled connection, and completes the futures in order. So a
 * socket thread never waits on Redis, and Redis sees a few busy connections instead of one round trip per
 * message. With {@code switchboard.redis.wait.replicas} set,
 * the batch ends with one {@code WAIT} for all its writes; a batch the replicas did not confirm in time
 * fails whole ({@link io.switchboard.redis.client.NotReplicatedException}): stored on the master, but not acknowledged.
 *
 * <p>A live-only relay ({@link #submitRelay}) takes no script: the lane reads where the recipients of
 * all the relays it holds are (one pipelined round trip for the batch: the live members and each
 * recipient's presence hash), then makes the publications each relay's route asks for (a second round trip
 * for the batch). No script runs and nothing is stored.
 *
 * <p>Order: calls with the same lane key (a sender) go to the same lane and run in the order they were
 * submitted; a batch holding both kinds runs them in runs of one kind, in order. A full lane queue refuses
 * the call at once ({@link RejectedExecutionException}): the caller answers "overloaded, retry" instead of
 * queueing without bound.
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

    @Inject
    RedisPresence presence;

    @Resource
    ManagedThreadFactory threads;

    /** Where lane threads come from when set (tests without a container); else {@link #threads}. */
    ThreadFactory laneThreads;

    /** Stands for a reply still to come: the call goes again with the script's text. */
    private static final Object NOT_RUN = new Object();

    private volatile Lane[] lanes;
    private volatile boolean stopped;

    /** What a lane runs: a script call or a live-only relay. */
    private sealed interface Work {
        CompletableFuture<?> reply();
    }

    /** One script run for a request: the future gets Redis' reply, or the error that kept it from running. */
    private record Call(RedisScript script, List<String> keys, List<String> args, CompletableFuture<Object> reply)
            implements Work {
    }

    /**
     * A live-only relay: {@code route} turns where the recipients are (connections per member, per user)
     * into the publications to make; the future gets both, with each publication's receivers.
     */
    private record Relay(List<String> recipients, Function<Map<String, Map<String, Integer>>, List<Publication>> route,
            CompletableFuture<RelayReply> reply) implements Work {
    }

    /** One publish of a relay: the channel, the payload, and the recipients it carries. */
    public record Publication(String channel, String payload, String member, List<String> users) {
    }

    /**
     * What a relay found and did: {@code where} the recipients are (connections per member), and the
     * receivers of each publication in order, -1 for one Redis failed.
     */
    public record RelayReply(Map<String, Map<String, Integer>> where, List<Publication> publications, long[] receivers) {
    }

    /**
     * Queues one run of {@code script}; calls with equal {@code laneKey} run in submission order. The future
     * fails with a {@link JedisException} when Redis failed (which may mean it ran: the reply was lost) and
     * with {@link RejectedExecutionException} at once when the lane is full (then it surely did not run).
     */
    CompletableFuture<Object> submit(String laneKey, RedisScript script, List<String> keys, List<String> args) {
        Call call = new Call(script, keys, args, new CompletableFuture<>());
        enqueue(laneKey, call);
        return call.reply;
    }

    /**
     * Queues a live-only relay to {@code recipients} on the lane of {@code laneKey}: the lane looks up where they
     * are, asks {@code route} (on the lane thread) what to publish, and publishes it. The future fails with a
     * {@link JedisException} when the lookup failed (nothing was published), and with
     * {@link RejectedExecutionException} at once when the lane is full; a failed publish is a -1 in the reply.
     */
    public CompletableFuture<RelayReply> submitRelay(String laneKey, List<String> recipients,
            Function<Map<String, Map<String, Integer>>, List<Publication>> route) {
        Relay relay = new Relay(recipients, route, new CompletableFuture<>());
        enqueue(laneKey, relay);
        return relay.reply;
    }

    private void enqueue(String laneKey, Work work) {
        Lane[] all = lanes();
        Lane lane = all[Math.floorMod(laneKey.hashCode(), all.length)];
        if (stopped || !lane.queue.offer(work)) {
            work.reply().completeExceptionally(new RejectedExecutionException(stopped
                    ? "shutting down" : "more Redis work queued than switchboard.redis.pipeline.queue allows"));
        } else if (stopped) {
            lane.failQueued(); // stopped while offering: the lane may have drained for the last time already
        }
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
        private final BlockingQueue<Work> queue;
        private volatile Thread thread;

        Lane(BlockingQueue<Work> queue) {
            this.queue = queue;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            List<Work> batch = new ArrayList<>();
            while (!stopped) {
                try {
                    Work first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, config.redis().pipelineMaxBatch() - 1);
                    runInRuns(batch);
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "A Redis pipeline lane failed a batch", e);
                    batch.forEach(work -> work.reply().completeExceptionally(e));
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
            List<Work> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(work -> work.reply().completeExceptionally(new RejectedExecutionException("shutting down")));
        }
    }

    /** Runs a batch as consecutive runs of one kind (scripts, relays), in order, so a lane keeps its order. */
    private void runInRuns(List<Work> batch) {
        int start = 0;
        while (start < batch.size()) {
            boolean relays = batch.get(start) instanceof Relay;
            int end = start + 1;
            while (end < batch.size() && (batch.get(end) instanceof Relay) == relays) {
                end++;
            }
            List<Work> run = batch.subList(start, end);
            if (relays) {
                runRelays(run.stream().map(Relay.class::cast).toList());
            } else {
                runBatch(run.stream().map(Call.class::cast).toList());
            }
            start = end;
        }
    }

    /**
     * Two round trips for any number of relays: one reads where all their recipients are, one makes every
     * publication. A failed read fails every relay of the run (nothing was published); a failed publication
     * is reported as -1 receivers to its own relay.
     */
    private void runRelays(List<Relay> relays) {
        long start = System.nanoTime();
        Map<String, Map<String, Integer>> where;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Set<String> users = new LinkedHashSet<>();
            relays.forEach(relay -> users.addAll(relay.recipients()));
            RedisPresence.Lookup lookup = presence.queueLookup(pipeline, users);
            pipeline.sync();
            where = lookup.countsByNode();
        } catch (JedisException e) {
            redis.noticeFailure(e);
            relays.forEach(relay -> relay.reply.completeExceptionally(e));
            return;
        }
        List<Map<String, Map<String, Integer>>> found = new ArrayList<>(relays.size());
        List<List<Publication>> routes = new ArrayList<>(relays.size());
        for (Relay relay : relays) {
            Map<String, Map<String, Integer>> its = new LinkedHashMap<>();
            relay.recipients().forEach(user -> its.put(user, where.getOrDefault(user, Map.of())));
            found.add(its);
            try {
                routes.add(relay.route().apply(its));
            } catch (RuntimeException e) {
                relay.reply.completeExceptionally(e);
                routes.add(List.of());
            }
        }
        List<List<Response<Long>>> sent = new ArrayList<>(relays.size());
        JedisException failed = null;
        if (routes.stream().anyMatch(route -> !route.isEmpty())) {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (List<Publication> route : routes) {
                    List<Response<Long>> responses = new ArrayList<>(route.size());
                    route.forEach(publication -> responses.add(redis.publish(pipeline, publication.channel(), publication.payload())));
                    sent.add(responses);
                }
                pipeline.sync();
            } catch (JedisException e) {
                redis.noticeFailure(e);
                failed = e;
            }
        }
        traffic.redisRoundTrip(System.nanoTime() - start);
        for (int i = 0; i < relays.size(); i++) {
            List<Publication> route = routes.get(i);
            long[] receivers = new long[route.size()];
            for (int p = 0; p < route.size(); p++) {
                receivers[p] = failed != null ? -1 : receiversOf(sent.get(i).get(p));
            }
            relays.get(i).reply.complete(new RelayReply(found.get(i), route, receivers)); // no-op if its route failed
        }
    }

    private long receiversOf(Response<Long> response) {
        try {
            return response.get();
        } catch (JedisException e) {
            redis.noticeFailure(e);
            return -1;
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
