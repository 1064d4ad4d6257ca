package io.switchboard.routing;

import io.switchboard.inbox.Idempotency;
import io.switchboard.inbox.InMemoryInbox;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.MessageId;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The single-node publishing port: every envelope is delivered on this node, synchronously (enqueue only),
 * through the inbound port ({@link BrokerEventHandler}) the Redis broker's relayed messages take too.
 */
@ApplicationScoped
@Typed(InMemoryBroker.class)
public class InMemoryBroker implements Broker {

    @Inject
    BrokerEventHandler events;

    @Inject
    ConnectionRegistry registry;

    @Inject
    InMemoryInbox inbox;

    @Inject
    TrafficCounters traffic;

    /** One order for ids, inboxes and deliveries: a connection sees stored messages in id order. */
    private final Object storeLock = new Object();

    public InMemoryBroker() {
    }

    InMemoryBroker(BrokerEventHandler events, ConnectionRegistry registry, InMemoryInbox inbox) {
        this.events = events;
        this.registry = registry;
        this.inbox = inbox;
        this.traffic = new TrafficCounters();
    }

    /** Stores and delivers on the caller's thread (memory only: nothing to wait for); the stage is already complete. */
    @Override
    public CompletionStage<DeliveryReport> publishStored(StoredDirect message) {
        long accepted = System.nanoTime();
        try {
            return CompletableFuture.completedFuture(store(message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            traffic.deliveryLatency(System.nanoTime() - accepted);
        }
    }

    private DeliveryReport store(StoredDirect message) {
        synchronized (storeLock) {
            Idempotency idempotency = message.idempotency();
            if (idempotency != null) {
                var earlier = inbox.claimed(idempotency);
                if (earlier.isPresent()) {
                    return DeliveryReport.duplicateOf(earlier.get().toString());
                }
            }
            List<String> recipients = new ArrayList<>(message.recipients().size());
            List<String> unknown = new ArrayList<>();
            for (String user : message.recipients()) {
                if (message.knownRecipientsOnly() && !inbox.isKnown(user) && registry.connectionCount(user) == 0) {
                    unknown.add(user);
                } else {
                    recipients.add(user);
                }
            }
            MessageId id = inbox.nextId();
            String frame = message.frame().render(id);
            for (String user : recipients) {
                inbox.append(user, new StoredMessage(id, frame));
            }
            if (idempotency != null) {
                inbox.claim(idempotency, id); // only once stored: a failed store leaves the key free for the retry
            }
            Map<String, Integer> counts = recipients.isEmpty() ? Map.of() // every recipient unknown
                    : events.direct(Envelope.stored(id, recipients, frame));
            counts.forEach((user, count) -> {
                if (count > 0) {
                    inbox.markSeen(user, id);
                }
            });
            return DeliveryReport.classify(id.toString(), message.recipients(), counts, Set.of(), unknown, false);
        }
    }

    @Override
    public CompletionStage<DeliveryReport> publishDirect(String sender, Envelope envelope) {
        return CompletableFuture.completedFuture(
                DeliveryReport.of(envelope.messageId(), envelope.recipients(), events.direct(envelope)));
    }

    @Override
    public FanOutReport publishBroadcast(Envelope envelope) {
        return new FanOutReport(envelope.messageId(), events.everyone(envelope), false);
    }

    @Override
    public FanOutReport publishRoom(RoomEnvelope envelope) {
        return new FanOutReport(envelope.messageId(), events.room(envelope), false);
    }

    @Override
    public FanOutReport publishRoomStored(String room, FrameTemplate template, String excludedConnection) {
        synchronized (storeLock) {
            MessageId id = inbox.nextId();
            String frame = template.render(id);
            inbox.appendToRoom(room, new StoredMessage(id, frame));
            return new FanOutReport(id.toString(),
                    events.room(new RoomEnvelope(id.toString(), room, excludedConnection, frame, id)), false);
        }
    }

    @Override
    public void kick(String room, String user) {
        // no other node
    }

    @Override
    public int disconnectElsewhere(String user, int closeCode) {
        return 0; // no other node
    }
}
