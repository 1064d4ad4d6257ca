package io.switchboard.routing;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.inbox.Idempotency;
import io.switchboard.protocol.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one path of every message, whether a client or a backend sent it: assign an id and timestamp,
 * encode the delivery frame once, publish through the {@link Broker}, report who got it.
 */
@ApplicationScoped
public class MessageRouter {

    @Inject
    Broker broker;

    @Inject
    SwitchboardConfig config;

    private final Clock clock;

    public MessageRouter() {
        this.clock = Clock.systemUTC();
    }

    MessageRouter(Broker broker, SwitchboardConfig config, Clock clock) {
        this.broker = broker;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Delivers to every connection of each recipient; {@code from} must already be authenticated. With the
     * inbox on (default) and {@code store} true the message is first stored for each recipient, and its id is
     * the inbox id; {@code idempotency} (may be null) makes a retry within the window a no-op. Otherwise
     * (a transient message) it goes only to the connections online now, under a fresh id, and is never
     * stored nor replayed. Does not wait for Redis: the stage completes with the report or a
     * {@code ProtocolException}, maybe on another thread (which must not be blocked); a sender's messages
     * are stored (or relayed) in the order of the calls. With {@code knownRecipientsOnly} (the recipient
     * policy of client senders), a recipient that has not connected to the gateway within the inbox
     * retention age gets nothing stored and is reported {@link DeliveryReport#unknown}.
     */
    public CompletionStage<DeliveryReport> sendDirect(String from, List<String> to, JsonValue content, boolean store,
            Idempotency idempotency, boolean knownRecipientsOnly) {
        long ts = clock.millis();
        if (stores(store)) {
            return broker.publishStored(new Broker.StoredDirect(from, to, Frames.messageTemplate(from, to, content, ts), idempotency,
                    knownRecipientsOnly));
        }
        String messageId = newMessageId();
        try {
            return broker.publishDirect(from, Envelope.toUsers(messageId, to, Frames.message(messageId, from, to, content, ts)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether a direct message its sender asked to store ({@code store}) is stored: only with the inbox on. */
    public boolean stores(boolean store) {
        return store && config.inbox().enabled();
    }

    /** Delivers to every connection of the gateway. */
    public FanOutReport broadcast(String from, JsonValue content) {
        String messageId = newMessageId();
        String frame = Frames.broadcast(messageId, from, content, clock.millis());
        return broker.publishBroadcast(Envelope.toEveryone(messageId, frame));
    }

    private static String newMessageId() {
        return UUID.randomUUID().toString();
    }
}
