package io.switchboard.socket.deflate;

/** Where {@link PerMessageDeflate} reports what compression did; called from any sending or reading thread. */
public interface DeflateCounters {

    /** An outgoing message of {@code rawBytes} went out as {@code wireBytes} of compressed payload. */
    void compressed(long rawBytes, long wireBytes);

    /** An incoming compressed frame of {@code wireBytes} inflated to {@code rawBytes}. */
    void inflated(long wireBytes, long rawBytes);
}
