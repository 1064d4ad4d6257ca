package io.switchboard.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many connections each recipient's copy was handed to. Recipients with none are offline.
 * Immutable; {@code delivered} keeps the recipients' order.
 */
public record DeliveryReport(String messageId, Map<String, Integer> delivered, List<String> offline) {

    public DeliveryReport {
        delivered = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(delivered));
        offline = List.copyOf(offline);
    }

    /** Builds a report from per-recipient connection counts, in recipient order. */
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
        return new DeliveryReport(messageId, delivered, offline);
    }
}
