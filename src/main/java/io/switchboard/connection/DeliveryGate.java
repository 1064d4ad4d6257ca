package io.switchboard.connection;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.MessageId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gate every stored delivery to one connection passes (live, held back or replayed): per stream, the newest
 * id queued (an id at or below it is never sent again, so each stream arrives once and in id order), and per
 * stream being replayed, the live deliveries held back until the replay ends, within the connection's queue
 * limits. Thread-safe: one lock per connection, so "already sent?" and "send" are one step per stream; the
 * sends it makes only enqueue.
 */
final class DeliveryGate {
    private final SendQueueLimits limits;
    /** Whose deliveries these are: what passes is queued on it, and it is cut when a replay holds back too much. */
    private final Connection connection;
    /** Per stream, the newest stored id queued to this connection: an id at or below it is never sent again. */
    private final Map<StreamKey, MessageId> watermarks = new HashMap<>();
    /** Per stream being replayed, the replay: the live deliveries it holds back until it ends, in arrival order. */
    private final Map<StreamKey, Replay> holds = new HashMap<>();
    private int heldFrames;
    private long heldBytes;
    /** Stored deliveries dropped because their id was at or below the stream's watermark. */
    private long duplicatesDropped;

    DeliveryGate(SendQueueLimits limits, Connection connection) {
        this.limits = limits;
        this.connection = connection;
    }

    /** See {@link Connection#deliver}; {@code stream} is not null. */
    synchronized boolean deliver(StreamKey stream, MessageId storedId, String frame) {
        Replay replay = holds.isEmpty() ? null : holds.get(stream);
        if (replay != null) {
            Replay.Held delivery = new Replay.Held(storedId, frame);
            if (heldFrames + 1 > limits.maxFrames() || heldBytes + delivery.bytes() > limits.maxBytes()) {
                connection.close(CloseCodes.SLOW_CONSUMER, "slow consumer: too many messages during replay");
                return false;
            }
            replay.held.add(delivery);
            heldFrames++;
            heldBytes += delivery.bytes();
            return connection.isOpen();
        }
        return sendUnlessSent(stream, storedId, frame);
    }

    /** See {@link Connection#beginReplay}. */
    synchronized Replay beginReplay(StreamKey stream, MessageId after) {
        Replay replay = new Replay(stream);
        Replay superseded = holds.put(stream, replay);
        if (superseded != null) {
            replay.held.addAll(superseded.held);
        }
        raiseWatermark(stream, after);
        return replay;
    }

    /** See {@link Connection#sendReplayed}: false if the replay is no longer current. */
    synchronized boolean sendReplayed(Replay replay, MessageId id, String frame) {
        if (holds.get(replay.stream) != replay) {
            return false;
        }
        sendUnlessSent(replay.stream, id, frame);
        return true;
    }

    /** See {@link Connection#endReplay}. */
    synchronized void endReplay(Replay replay) {
        if (!holds.remove(replay.stream, replay)) {
            return;
        }
        for (Replay.Held delivery : replay.held) {
            heldFrames--;
            heldBytes -= delivery.bytes();
            sendUnlessSent(replay.stream, delivery.id(), delivery.frame());
        }
    }

    /** See {@link Connection#forget}. */
    synchronized void forget(StreamKey stream) {
        watermarks.remove(stream);
        Replay replay = holds.remove(stream);
        if (replay != null) {
            for (Replay.Held delivery : replay.held) {
                heldFrames--;
                heldBytes -= delivery.bytes();
            }
        }
    }

    synchronized Optional<MessageId> watermark(StreamKey stream) {
        return Optional.ofNullable(watermarks.get(stream));
    }

    synchronized long duplicatesDropped() {
        return duplicatesDropped;
    }

    /** Under the gate's lock. */
    private boolean sendUnlessSent(StreamKey stream, MessageId storedId, String frame) {
        if (storedId != null) {
            MessageId mark = watermarks.get(stream);
            if (mark != null && !storedId.isAfter(mark)) {
                duplicatesDropped++;
                return true;
            }
            watermarks.put(stream, storedId);
        }
        return connection.send(frame);
    }

    /** Under the gate's lock. */
    private void raiseWatermark(StreamKey stream, MessageId id) {
        if (id != null) {
            watermarks.merge(stream, id, (current, candidate) -> candidate.isAfter(current) ? candidate : current);
        }
    }
}
