/**
 * permessage-deflate (RFC 7692) for client connections, off unless {@code switchboard.deflate.enabled}.
 * {@link io.switchboard.socket.deflate.DeflateOffers} (portable) picks a client offer the server can honour;
 * {@link io.switchboard.socket.deflate.DeflateSupport} (CDI) decides at start whether deflate is available;
 * {@link io.switchboard.socket.deflate.PerMessageDeflate} is the only class written against Tyrus' extension
 * SPI and is loaded only when Tyrus is the container's WebSocket implementation.
 * <p>
 * Both directions run without context takeover: every message is compressed and inflated on its own, so
 * no connection keeps a zlib stream (some 300 KB of native memory each) between messages. Compressors and
 * inflaters are borrowed per message from bounded {@link io.switchboard.socket.deflate.CoderPool}s.
 * Threads: negotiation on the container's handshake thread; outgoing frames on whichever thread sends
 * (Tyrus frames one message at a time per connection, under its lock); incoming frames on the
 * connection's reading thread, one frame at a time; the close on a container thread.
 */
package io.switchboard.socket.deflate;
