/**
 * The cluster adapter: Redis (one server, a Sentinel set or a Redis Cluster) behind the {@code routing} and
 * {@code inbox} ports, in four layers, each importing only those above it in this list:
 * {@code redis.client} (connections, keys, slots, scripts), {@code redis.relay} (the subscription, its
 * catch-up and what relayed messages mean), {@code redis.presence} (presence, liveness and its lapse
 * protocol, rooms) and {@code redis.store} (stored messages, the script pipeline, connect tickets). This
 * package holds the two that use all of them: the publishing port ({@code RedisBroker}) and the node's
 * lifecycle ({@code RedisNode}). Depends on {@code config}, {@code metrics}, {@code protocol} and
 * {@code routing}. No package outside the adapter imports it: when Redis is configured, CDI selectors pick
 * its beans through the ports.
 */
package io.switchboard.redis;
