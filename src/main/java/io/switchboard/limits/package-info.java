/**
 * Abuse limits: token buckets for commands per connection, handshakes per client address and API
 * requests per credential (plain Java, applied by the socket and api layers), and the storage quota of
 * client senders ({@code StorageQuota}, a CDI bean). Depends on {@code config}, {@code protocol} and
 * {@code security}.
 */
package io.switchboard.limits;
