package io.switchboard.inbox;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.protocol.MessageId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives a connecting client the stored messages it has not seen, then live traffic, with no gap and no
 * reordering. Where to start: the {@code since} id the client sent; else its device's last ack; else
 * the newest message any connection of the user got (so a new device gets what arrived while the user
 * was offline); else everything retained.
 *
 * <p>The connection holds back live deliveries from before it becomes visible (registry, presence) until
 * the replay ends ({@link Connection#beginReplay}/{@link Connection#endReplay}): a message stored after
 * the replay's read arrives live, one stored before is in the read, one in both is sent once. Runs on
 * the connection's WebSocket thread during open; reads Redis in batches and paces itself by the send
 * queue, so a long backlog never overflows it.
 */
@ApplicationScoped
public class ResumeService {
    private static final Logger LOG = Logger.getLogger(ResumeService.class.getName());
    private static final int BATCH = 100;

    @Inject
    Inbox inbox;

    @Inject
    SwitchboardConfig config;

    public ResumeService() {
    }

    ResumeService(Inbox inbox, SwitchboardConfig config) {
        this.inbox = inbox;
        this.config = config;
    }

    /** Where a connection's replay starts, and whether everything after that point is still stored. */
    public record Plan(MessageId after, boolean recovered) {
    }

    /**
     * Decides where the replay starts. {@code recovered} is false when the requested point is older than
     * what retention kept (the client must reload its state): retention removed a message after it, or it
     * is older than the retention age (then its messages may have expired with the whole inbox). The
     * replay then starts at the oldest message kept.
     */
    public Plan plan(String user, String device, Optional<MessageId> since) {
        Optional<MessageId> requested = since.or(() -> inbox.cursor(user, device));
        if (requested.isEmpty()) {
            return new Plan(inbox.seen(user).orElse(MessageId.ZERO), true);
        }
        MessageId from = requested.get();
        MessageId trimmed = inbox.trimmedUpTo(user);
        long oldestKept = System.currentTimeMillis() - config.inboxMaxAge().toMillis();
        boolean recovered = !trimmed.isAfter(from) && (from.equals(MessageId.ZERO) || from.millis() >= oldestKept);
        return new Plan(recovered ? from : max(from, trimmed), recovered);
    }

    /** Sends every stored message after the plan's point, then lets live deliveries through. */
    public void replay(Connection connection, Plan plan) {
        MessageId last = plan.after();
        try {
            while (connection.isOpen()) {
                List<StoredMessage> page = inbox.read(connection.user(), last, BATCH);
                for (StoredMessage message : page) {
                    connection.awaitSendRoom(config.sendTimeout());
                    connection.send(message.frame());
                    last = message.id();
                }
                if (page.size() < BATCH) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Replay of stored messages to " + connection + " stopped at " + last, e);
        } finally {
            connection.endReplay(last);
        }
        if (last.isAfter(plan.after())) {
            try {
                inbox.markSeen(connection.user(), last);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Could not record what " + connection + " was sent", e);
            }
        }
    }

    private static MessageId max(MessageId a, MessageId b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
