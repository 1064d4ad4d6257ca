/**
 * Abuse limits: token buckets for commands per connection, handshakes per client address and API
 * requests per credential. Pure Java, no Jakarta imports; the socket and api layers apply them.
 */
package io.switchboard.limits;
