/**
 * Liveness of client connections: the scheduled sweep that pings, reaps silent connections and enforces token
 * expiry ({@code HeartbeatService} and its policies). Depends on {@code config}, {@code connection},
 * {@code metrics}, {@code protocol} and {@code registry}.
 */
package io.switchboard.heartbeat;
