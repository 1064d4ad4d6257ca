/**
 * Settings: every {@code switchboard.*} (and the read {@code mp.jwt.*}) key, read once from MicroProfile Config
 * and validated at start-up ({@code SwitchboardConfig}, {@code RedisMode}, {@code HostPort}). Depends on no
 * other Switchboard package; every other package may read it.
 */
package io.switchboard.config;
