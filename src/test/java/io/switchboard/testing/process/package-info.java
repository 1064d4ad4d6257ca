/**
 * Real processes an end-to-end test starts and stops: {@code GatewayNode} (Payara Micro or WildFly with the
 * built WAR), the Redis set-ups behind {@code RedisBackend} ({@code RedisServer}, {@code SentinelSet},
 * {@code RedisClusterServers}), {@code NginxProxy}, and {@code TwoNodeCluster}, the one cluster fixture.
 */
package io.switchboard.testing.process;
