/**
 * Talking to Redis: the connections ({@code RedisClient}: a pooled one, the presence writer's, the subscriber's;
 * one server, Sentinel or Redis Cluster, TLS with {@code PemTrust}), this node run's identity
 * ({@code ClusterMember}), key and channel names ({@code RedisKeys}), Redis Cluster slots ({@code RedisSlots},
 * {@code SlotRoutedPipeline}) and Lua scripts by SHA ({@code RedisScript}). Depends on {@code config} only;
 * the adapter's other parts build on it.
 */
package io.switchboard.redis.client;
