package io.switchboard.redis.store;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.presence.RedisPresence;
import io.switchboard.redis.relay.RelayState;

/** Builds the stored-message beans by hand for tests outside this package (what CDI injects in a node). */
public final class StoreFixtures {
    private StoreFixtures() {
    }

    /** Script lanes on plain threads, started on first use; stop them with {@link #stop}. */
    public static ScriptPipeline pipeline(SwitchboardConfig config, RedisClient redis, RedisPresence presence) {
        ScriptPipeline pipeline = new ScriptPipeline();
        pipeline.config = config;
        pipeline.redis = redis;
        pipeline.traffic = new TrafficCounters();
        pipeline.presence = presence;
        pipeline.laneThreads = Thread::new;
        return pipeline;
    }

    public static void stop(ScriptPipeline pipeline) {
        pipeline.stop();
    }

    public static RedisInbox inbox(SwitchboardConfig config, RedisClient redis, RelayState state, ScriptPipeline pipeline,
            ClusterMember member, RedisPresence presence) {
        RedisInbox inbox = new RedisInbox();
        inbox.config = config;
        inbox.redis = redis;
        inbox.state = state;
        inbox.pipeline = pipeline;
        inbox.member = member;
        inbox.presence = presence;
        return inbox;
    }
}
