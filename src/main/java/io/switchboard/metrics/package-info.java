/**
 * Figures: lock-free traffic counters on the hot paths ({@code TrafficCounters}) and their Prometheus export
 * at {@code /metrics} ({@code GatewayMetrics}, {@code MetricsServlet}). Depends on {@code protocol} and
 * {@code registry}.
 */
package io.switchboard.metrics;
