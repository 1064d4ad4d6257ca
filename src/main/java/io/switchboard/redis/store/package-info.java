/**
 * What Redis keeps for clients: stored direct messages ({@code RedisInbox}, the one caller of
 * {@code InboxScripts}), the per-user script lanes that batch them into few round trips
 * ({@code ScriptPipeline}), and connect tickets ({@code RedisTicketStore}). Depends on {@code config},
 * {@code connection}, {@code inbox}, {@code metrics}, {@code protocol}, {@code routing}, {@code security},
 * {@code redis.client}, {@code redis.relay} and {@code redis.presence}.
 */
package io.switchboard.redis.store;
