/**
 * What every kind of test shares: {@code Eventually} (waiting for a condition, never a fixed sleep),
 * {@code TestTokens} (tokens signed with the test keys), {@code PrometheusText}. Subpackages by kind:
 * {@code client} (WebSocket and HTTP clients, hostile-frame generator), {@code process} (real processes:
 * nodes, redis-server set-ups, nginx, and the two-node cluster fixture), {@code container} (Arquillian
 * deployments). Depends on no Switchboard main package.
 */
package io.switchboard.testing;
