/**
 * One client connection: its identity, its bounded send queue ({@code Outbox}) and the per-stream watermarks
 * that keep stored messages exactly-once and in order, with the live deliveries each running replay holds back
 * ({@code Connection.Replay}). Depends on {@code protocol} and {@code security}.
 */
package io.switchboard.connection;
