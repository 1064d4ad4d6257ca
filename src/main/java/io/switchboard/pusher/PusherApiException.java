package io.switchboard.pusher;

/** A Pusher HTTP API request refused, with the status and the message Pusher answers it with. */
public final class PusherApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public PusherApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status: 400 malformed, 401 not signed right, 403 not allowed, 404 no such app, 413 too large. */
    public int status() {
        return status;
    }
}
