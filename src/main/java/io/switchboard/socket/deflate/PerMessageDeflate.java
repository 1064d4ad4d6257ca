package io.switchboard.socket.deflate;

import io.switchboard.metrics.TrafficCounters;
import jakarta.websocket.CloseReason;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.CloseFrame;
import org.glassfish.tyrus.core.frame.Frame;

/**
 * permessage-deflate (RFC 7692) as a Tyrus extension, without context takeover either way. Outgoing:
 * whole text and binary messages of at least the threshold are compressed (SYNC_FLUSH, the trailing
 * {@code 00 00 ff ff} dropped) unless that would not make them smaller. Incoming: compressed messages,
 * fragmented or not, are inflated up to the frame size limit; beyond it the connection is closed with
 * 1009, on data that does not inflate with 1007 (Tyrus swallows exceptions from extensions, so both are
 * answered by handing Tyrus a close frame in place of the data frame).
 * <p>
 * One instance serves every connection; a connection's state (the inflater of a compressed message
 * still arriving in fragments) lives in its {@link ExtensionContext}. Tyrus calls
 * {@link #processIncoming} on the connection's reading thread, {@link #processOutgoing} on the sending
 * thread under its per-connection send lock, {@link #destroy} when the connection closes.
 */
public final class PerMessageDeflate implements ExtendedExtension {
    private static final String INCOMING = PerMessageDeflate.class.getName() + ".incoming";
    /** The empty stored block that ends a SYNC_FLUSH: dropped by the sender, put back by the receiver. */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final byte CONTINUATION = 0;
    /** Larger messages are not remembered per thread (see {@link #compress}). */
    private static final int MEMO_MAX_BYTES = 64 * 1024;

    private final int thresholdBytes;
    private final int maxMessageBytes;
    private final CoderPool<Deflater> deflaters;
    private final CoderPool<Inflater> inflaters;
    private final TrafficCounters traffic;
    /** Per sending thread: its last message, raw and compressed (null: incompressible). */
    private final ThreadLocal<byte[][]> lastCompressed = new ThreadLocal<>();

    public PerMessageDeflate(DeflateSettings settings, TrafficCounters traffic) {
        this.thresholdBytes = settings.thresholdBytes();
        this.maxMessageBytes = settings.maxMessageBytes();
        this.deflaters = new CoderPool<>(settings.poolSize(), () -> new Deflater(settings.level(), true),
                Deflater::reset, Deflater::end);
        this.inflaters = new CoderPool<>(settings.poolSize(), () -> new Inflater(true), Inflater::reset, Inflater::end);
        this.traffic = traffic;
    }

    @Override
    public String getName() {
        return DeflateOffers.NAME;
    }

    @Override
    public List<Parameter> getParameters() {
        return DeflateOffers.RESPONSE;
    }

    /** Called by Tyrus while it writes the handshake response, with {@code null} for the offer it already chose. */
    @Override
    public List<Parameter> onExtensionNegotiation(ExtensionContext context, List<Parameter> requestedParameters) {
        context.getProperties().putIfAbsent(INCOMING, new Incoming());
        return DeflateOffers.RESPONSE;
    }

    @Override
    public void onHandshakeResponse(ExtensionContext context, List<Parameter> responseParameters) {
        // client side only
    }

    @Override
    public void destroy(ExtensionContext context) {
        if (context.getProperties().get(INCOMING) instanceof Incoming incoming) {
            incoming.close(inflaters);
        }
    }

    @Override
    public Frame processOutgoing(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame() || frame.getOpcode() == CONTINUATION || !frame.isFin() || frame.isRsv1()
                || frame.getPayloadLength() < thresholdBytes) {
            return frame; // control frames may not be compressed; we never send fragments
        }
        byte[] raw = frame.getPayloadData();
        byte[] wire = compress(raw);
        if (wire == null) {
            return frame; // incompressible: cheaper for the client to take it as it is
        }
        traffic.deflated(raw.length, wire.length);
        return Frame.builder(frame).payloadData(wire).rsv1(true).build();
    }

    /**
     * The message compressed, or null if that would not make it smaller. Without context takeover the
     * same bytes always compress the same way, so a broadcast or room message going to many connections
     * is compressed once per sending thread, not once per connection: each thread remembers its last one.
     */
    private byte[] compress(byte[] raw) {
        byte[][] last = lastCompressed.get();
        if (last != null && Arrays.equals(last[0], raw)) {
            return last[1];
        }
        byte[] wire = deflate(raw);
        if (raw.length <= MEMO_MAX_BYTES) {
            lastCompressed.set(new byte[][] {raw, wire}); // JDK types only: no class loader held by the thread
        }
        return wire;
    }

    private byte[] deflate(byte[] raw) {
        byte[] out = new byte[raw.length / 2 + 64];
        int length = 0;
        Deflater deflater = deflaters.take();
        try {
            deflater.setInput(raw);
            while (true) {
                length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
                if (length < out.length) {
                    break;
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
        } finally {
            deflaters.giveBack(deflater);
        }
        length -= TAIL.length;
        return length < raw.length ? Arrays.copyOf(out, length) : null;
    }

    @Override
    public Frame processIncoming(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame() || !(context.getProperties().get(INCOMING) instanceof Incoming incoming)) {
            return frame; // RSV1 on a control frame is left for Tyrus to refuse (1002)
        }
        synchronized (incoming) {
            boolean continuation = frame.getOpcode() == CONTINUATION;
            if (!continuation && frame.isRsv1()) {
                incoming.begin(inflaters);
            } else if (!continuation || frame.isRsv1() || !incoming.inProgress()) {
                return frame; // an uncompressed message; or RSV1 on a continuation, which Tyrus refuses (1002)
            }
            byte[] wire = frame.getPayloadData();
            try {
                byte[] raw = incoming.inflate(wire, frame.isFin(), maxMessageBytes);
                if (raw == null) {
                    incoming.abandon(inflaters);
                    return close(CloseReason.CloseCodes.TOO_BIG,
                            "message larger than " + maxMessageBytes + " bytes once inflated");
                }
                if (frame.isFin()) {
                    incoming.finish(inflaters);
                }
                traffic.inflated(wire.length, raw.length);
                return Frame.builder(frame).payloadData(raw).rsv1(false).build();
            } catch (DataFormatException e) {
                incoming.abandon(inflaters);
                return close(CloseReason.CloseCodes.NOT_CONSISTENT, "invalid compressed data");
            }
        }
    }

    private static Frame close(CloseReason.CloseCode code, String reason) {
        return new CloseFrame(new CloseReason(code, reason));
    }

    /** One connection's compressed message in progress: the inflater it holds and how much it inflated. */
    private static final class Incoming {
        private Inflater inflater;
        private long inflatedBytes;
        private boolean closed;

        boolean inProgress() {
            return inflater != null;
        }

        void begin(CoderPool<Inflater> pool) {
            if (inflater != null) {
                abandon(pool); // the previous message never ended; Tyrus refuses the new one anyway
            }
            if (!closed) {
                inflater = pool.take();
                inflatedBytes = 0;
            }
        }

        /**
         * This frame's payload inflated (with the tail put back on the last frame), or {@code null} once
         * the message would exceed {@code limit} bytes: never inflates more than one byte past it.
         */
        byte[] inflate(byte[] wire, boolean last, int limit) throws DataFormatException {
            if (inflater == null) {
                throw new DataFormatException("connection closed");
            }
            long room = limit - inflatedBytes;
            Output out = new Output((int) Math.min(room + 1, Math.max(256, wire.length * 4L)));
            inflater.setInput(wire);
            if (!out.drain(inflater, room)) {
                return null;
            }
            if (inflater.finished() && inflater.getRemaining() > 0) {
                throw new DataFormatException("data after the final deflate block");
            }
            if (last && !inflater.finished()) {
                inflater.setInput(TAIL);
                if (!out.drain(inflater, room)) {
                    return null;
                }
            }
            inflatedBytes += out.length;
            return out.bytes();
        }

        void finish(CoderPool<Inflater> pool) {
            if (inflater != null) {
                pool.giveBack(inflater);
                inflater = null;
            }
        }

        void abandon(CoderPool<Inflater> pool) {
            if (inflater != null) {
                pool.discard(inflater);
                inflater = null;
            }
        }

        synchronized void close(CoderPool<Inflater> pool) {
            closed = true;
            abandon(pool);
        }
    }

    /** A growing output buffer that never grows past the room it was given plus one byte. */
    private static final class Output {
        private byte[] buffer;
        private int length;

        Output(int capacity) {
            buffer = new byte[capacity];
        }

        /** Inflates all the input given; false as soon as the output exceeds {@code room}. */
        boolean drain(Inflater inflater, long room) throws DataFormatException {
            while (!inflater.finished()) {
                if (length == buffer.length) {
                    if (length > room) {
                        return false;
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(room + 1, buffer.length * 2L));
                }
                int produced = inflater.inflate(buffer, length, buffer.length - length);
                length += produced;
                if (produced == 0 && (inflater.needsInput() || inflater.needsDictionary() || length < buffer.length)) {
                    break;
                }
            }
            return length <= room;
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, length);
        }
    }
}
