package io.switchboard.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a direct message went. {@code delivered}: connections that got it, per recipient, in recipient
 * order. {@code offline}: recipients with no connection anywhere. {@code undelivered}: recipients that
 * are online but whose connections could not be reached (their node missed the relay, or the relay is
 * down). {@code relayUnavailable}: the cluster relay was down, so only this node's connections were
 * tried. {@code duplicate}: a retry with an {@code Idempotency-Key} already seen; nothing was stored
 * or delivered again and {@code messageId} is the original's. {@code unknown}: recipients the sender's
 * recipient policy does not let it store for (not known to the gateway); they got nothing. Immutable.
 */
public record DeliveryReport(String messageId, Map<String, Integer> delivered, List<String> offline,
        List<String> undelivered, List<String> unknown, boolean relayUnavailable, boolean duplicate) {

    public DeliveryReport(String messageId, Map<String, Integer> delivered, List<String> offline,
            List<String> undelivered, boolean relayUnavailable) {
        this(messageId, delivered, offline, undelivered, List.of(), relayUnavailable, false);
    }

    /** The answer to a retried request: the original message id, nothing delivered now. */
    public static DeliveryReport duplicateOf(String messageId) {
        return new DeliveryReport(messageId, Map.of(), List.of(), List.of(), List.of(), false, true);
    }

    public DeliveryReport {
        delivered = Collections.unmodifiableMap(new LinkedHashMap<>(delivered));
        offline = List.copyOf(offline);
        undelivered = List.copyOf(undelivered);
        unknown = List.copyOf(unknown);
    }

    /** This report with {@code unknownRecipients} reported as unknown. */
    public DeliveryReport withUnknown(List<String> unknownRecipients) {
        return new DeliveryReport(messageId, delivered, offline, undelivered, unknownRecipients, relayUnavailable, duplicate);
    }

    /** A report where every recipient with no counted connection is offline (single node). */
    public static DeliveryReport of(String messageId, List<String> recipients, Map<String, Integer> counts) {
        Map<String, Integer> delivered = new LinkedHashMap<>();
        List<String> offline = new ArrayList<>();
        for (String user : recipients) {
            int count = counts.getOrDefault(user, 0);
            if (count > 0) {
                delivered.put(user, count);
            } else {
                offline.add(user);
            }
        }
        return new DeliveryReport(messageId, delivered, offline, List.of(), false);
    }
}
