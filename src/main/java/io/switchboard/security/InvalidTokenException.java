package io.switchboard.security;

/** A bearer token was missing, malformed, badly signed, expired or otherwise unacceptable. */
public class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
