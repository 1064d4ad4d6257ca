package io.switchboard.protocol;

/**
 * The id of a stored message, {@code <milliseconds>-<sequence>} as Redis streams write it
 * ({@code "1795418924748-0"}). Ids only grow: every inbox and room history gets them from one
 * generator (in Redis, or on a single node), so comparing two ids orders the messages. Immutable.
 */
public record MessageId(long millis, long sequence) implements Comparable<MessageId> {
    /** Before every message: resuming from it replays everything retained. */
    public static final MessageId ZERO = new MessageId(0, 0);

    public MessageId {
        if (millis < 0 || sequence < 0) {
            throw new IllegalArgumentException("negative message id part");
        }
    }

    /** Parses {@code ms-seq} (or a bare {@code ms}, meaning {@code ms-0}); throws {@link ProtocolException} 400 otherwise. */
    public static MessageId parse(String text, String where) {
        int dash = text.indexOf('-');
        try {
            if (dash < 0) {
                return new MessageId(Long.parseLong(text), 0);
            }
            return new MessageId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    "'" + where + "' must be a message id like 1795418924748-0");
        }
    }

    /** The smallest id after this one. */
    public MessageId next() {
        return new MessageId(millis, sequence + 1);
    }

    /** The first id this generator may hand out at {@code nowMillis} after this one. */
    public MessageId nextAt(long nowMillis) {
        return nowMillis > millis ? new MessageId(nowMillis, 0) : next();
    }

    @Override
    public int compareTo(MessageId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    public boolean isAfter(MessageId other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
