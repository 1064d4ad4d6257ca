/**
 * One client connection ({@code Connection}): its identity, its bounded send queue ({@code Outbox}) and the gate
 * its stored deliveries pass ({@code DeliveryGate}: per-stream watermarks that keep stored messages exactly-once
 * and in order, with the live deliveries each running {@code Replay} holds back). Depends on {@code protocol}
 * and {@code security}.
 */
package io.switchboard.connection;
