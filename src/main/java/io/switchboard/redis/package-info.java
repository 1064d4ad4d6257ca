/**
 * The cluster adapter: Redis (one server, a Sentinel set or a Redis Cluster) behind the {@code routing} and
 * {@code inbox} ports — connections ({@code RedisClient}), the broker ({@code RedisBroker}), presence and
 * rooms ({@code RedisPresenceManager} over {@code RedisPresence} and {@code RedisRooms}), stored messages
 * ({@code RedisInbox}, the one caller of the inbox scripts) as Lua scripts, the relay subscriber and its
 * catch-up ({@code RedisNode}, {@code ShardedSubscription}, {@code RelayCatchUp}). Depends on {@code config},
 * {@code connection}, {@code inbox}, {@code metrics}, {@code protocol}, {@code registry}, {@code routing} and
 * {@code security}. No other package imports it: when Redis is configured, CDI selectors pick its beans
 * through the ports.
 */
package io.switchboard.redis;
