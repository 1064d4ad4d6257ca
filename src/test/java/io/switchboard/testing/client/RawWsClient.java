package io.switchboard.testing.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A bare-socket WebSocket client that does only what a test tells it: it never answers pings and never
 * reads unless asked, so it can play a dead peer or a stalled reader, which real client libraries won't.
 */
public final class RawWsClient implements AutoCloseable {
    public static final int OP_CONTINUATION = 0;
    public static final int OP_TEXT = 1;
    public static final int OP_BINARY = 2;
    public static final int OP_CLOSE = 8;
    public static final int OP_PING = 9;

    /** One received frame; {@code compressed}: RSV1 set (permessage-deflate). */
    public record Frame(int opcode, byte[] payload, boolean compressed) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();
    private int pingsSeen;
    private String extensions;

    private RawWsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and upgrades; {@code receiveBuffer} > 0 shrinks the socket's receive buffer first. */
    public static RawWsClient connect(URI base, String token, int receiveBuffer) throws IOException {
        return connect(base, token, receiveBuffer, null);
    }

    /** Connects and upgrades, offering {@code extensionOffer} (a Sec-WebSocket-Extensions value) if not null. */
    public static RawWsClient connect(URI base, String token, int receiveBuffer, String extensionOffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(Integer.getInteger("raw.timeout", 10_000));
        RawWsClient client = new RawWsClient(socket);
        String path = WsClient.wsUri(base, token).getRawPath() + "?" + WsClient.wsUri(base, token).getRawQuery();
        byte[] nonce = new byte[16];
        client.random.nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (extensionOffer == null ? "" : "Sec-WebSocket-Extensions: " + extensionOffer + "\r\n")
                + "\r\n";
        client.out.write(request.getBytes(StandardCharsets.US_ASCII));
        client.out.flush();
        String headers = client.readHeaders();
        String status = headers.substring(0, headers.indexOf("\r\n"));
        client.extensions = headers.lines()
                .filter(line -> line.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25))
                .map(line -> line.substring(25).strip()).findFirst().orElse(null);
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("Upgrade refused: " + status);
        }
        return client;
    }

    public void sendText(String text) throws IOException {
        sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one final frame with any opcode and payload, valid UTF-8 or not. */
    public void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFrame(true, false, opcode, payload);
    }

    /** Sends one frame with the given FIN and RSV1 (compressed) bits. */
    public void sendFrame(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    public Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload, (first & 0x40) != 0);
    }

    /**
     * Reads (and drops) frames until the server's close frame; returns its code, or -1 if the socket
     * ended without one. Never answers pings.
     */
    public int awaitCloseCode(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Frame frame = readFrame();
                if (frame.opcode() == OP_CLOSE) {
                    return frame.closeCode();
                }
                if (frame.opcode() == OP_PING) {
                    pingsSeen++;
                }
            } catch (EOFException e) {
                return -1;
            } catch (SocketTimeoutException e) {
                // keep waiting until the deadline
            }
        }
        throw new AssertionError("No close within " + timeout);
    }

    /** Pings read (and left unanswered) by {@link #awaitCloseCode}. */
    public int pingsSeen() {
        return pingsSeen;
    }

    private String readHeaders() throws IOException {
        InputStream raw = in;
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                throw new EOFException("Connection closed during handshake: " + headers);
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    /** The Sec-WebSocket-Extensions the server answered with, or null. */
    public String extensions() {
        return extensions;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
