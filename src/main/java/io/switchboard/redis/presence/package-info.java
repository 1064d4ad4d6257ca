/**
 * Who is where, cluster-wide: connection entries and node counts ({@code RedisPresence}, written by one
 * writer thread), this node's liveness and the whole lapse protocol ({@code NodeLiveness}), room membership
 * ({@code RedisRooms} over {@code RoomScripts}) kept true by {@code RoomUpkeep}, and the core's presence port
 * ({@code RedisPresenceManager}). Depends on {@code config}, {@code connection}, {@code protocol},
 * {@code registry}, {@code routing}, {@code redis.client} and {@code redis.relay}.
 */
package io.switchboard.redis.presence;
