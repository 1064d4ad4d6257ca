package io.switchboard.routing;

import io.switchboard.protocol.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The one path of every message, whether a client or a backend sent it: assign an id and timestamp,
 * encode the delivery frame once, publish through the {@link Broker}, report who got it.
 */
@ApplicationScoped
public class MessageRouter {

    @Inject
    Broker broker;

    private final Clock clock;

    public MessageRouter() {
        this.clock = Clock.systemUTC();
    }

    MessageRouter(Broker broker, Clock clock) {
        this.broker = broker;
        this.clock = clock;
    }

    /** Delivers to every connection of each recipient; {@code from} must already be authenticated. */
    public DeliveryReport sendDirect(String from, List<String> to, JsonValue content) {
        String messageId = newMessageId();
        String frame = Frames.message(messageId, from, to, content, clock.millis());
        return broker.publishDirect(Envelope.toUsers(messageId, to, frame));
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
