/**
 * Settings: every {@code switchboard.*} (and the read {@code mp.jwt.*}) key, read once from MicroProfile Config
 * and validated at start-up. {@code SwitchboardConfig} holds one immutable record per concern
 * ({@code RedisSettings}, {@code RoomSettings}, {@code LimitSettings}...), each reading its keys with their
 * defaults through {@code SettingsReader}, which states each default once. Depends on no other Switchboard
 * package; every other package may read it.
 */
package io.switchboard.config;
