package io.switchboard.testing.client;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The client's half of permessage-deflate (RFC 7692 section 7.2), written with java.util.zip for tests. */
public final class ClientDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private ClientDeflate() {
    }

    /** A message as a client sends it compressed: raw DEFLATE, SYNC_FLUSH, the trailing 00 00 ff ff dropped. */
    public static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(6, true);
        try {
            deflater.setInput(raw);
            byte[] out = new byte[raw.length + 1024];
            int length = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            return Arrays.copyOf(out, length - TAIL.length);
        } finally {
            deflater.end();
        }
    }

    /** A compressed message as a client reads it: the tail put back, inflated without a window from before. */
    public static byte[] inflate(byte[] wire) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            byte[] input = Arrays.copyOf(wire, wire.length + TAIL.length);
            System.arraycopy(TAIL, 0, input, wire.length, TAIL.length);
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = inflater.inflate(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
