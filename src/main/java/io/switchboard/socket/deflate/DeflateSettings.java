package io.switchboard.socket.deflate;

/**
 * What {@link PerMessageDeflate} needs to know: outgoing messages under {@code thresholdBytes} stay
 * uncompressed; {@code level} is zlib's 1..9; a client message may inflate to at most
 * {@code maxMessageBytes}; each coder pool keeps up to {@code poolSize} idle coders.
 */
public record DeflateSettings(int thresholdBytes, int level, int maxMessageBytes, int poolSize) {
}
