package io.switchboard.testing.process;

import java.util.Map;

/** A real Redis set-up nodes can run on (one server, a Sentinel set, a Redis Cluster), started by a test. */
public interface RedisBackend extends AutoCloseable {

    /** The settings (environment variables) that point a node at it. */
    Map<String, String> nodeSettings();
}
