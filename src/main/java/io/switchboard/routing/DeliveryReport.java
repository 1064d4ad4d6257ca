package io.switchboard.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /**
     * The one rule that sorts recipients: those with counted connections ({@code counts}) are delivered;
     * those in {@code unknown} are left out of the rest and reported unknown; those in {@code missed} (online,
     * but their node could not be reached) are undelivered; everyone else is offline.
     */
    public static DeliveryReport classify(String messageId, List<String> recipients, Map<String, Integer> counts,
            Set<String> missed, Collection<String> unknown, boolean relayUnavailable) {
        Map<String, Integer> delivered = new LinkedHashMap<>();
        List<String> offline = new ArrayList<>();
        List<String> undelivered = new ArrayList<>();
        for (String user : recipients) {
            int count = counts.getOrDefault(user, 0);
            if (count > 0) {
                delivered.put(user, count);
            } else if (unknown.contains(user)) {
                continue;
            } else if (missed.contains(user)) {
                undelivered.add(user);
            } else {
                offline.add(user);
            }
        }
        return new DeliveryReport(messageId, delivered, offline, undelivered, List.copyOf(unknown), relayUnavailable, false);
    }

    /** A report where every recipient with no counted connection is offline (single node). */
    public static DeliveryReport of(String messageId, List<String> recipients, Map<String, Integer> counts) {
        return classify(messageId, recipients, counts, Set.of(), List.of(), false);
    }
}
