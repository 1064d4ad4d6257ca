package io.switchboard.protocol;

/**
 * A frame encoded once, before its message id is known (the store assigns it): the text before and
 * after the id. Rendering is one concatenation, also inside Redis. Immutable.
 */
public record FrameTemplate(String prefix, String suffix) {

    public String render(MessageId id) {
        return render(id.toString());
    }

    /** The frame with an id that is not a stored message's (a room message while the store is unreachable). */
    public String render(String id) {
        return prefix + id + suffix;
    }
}
