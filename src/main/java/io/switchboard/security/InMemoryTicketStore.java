package io.switchboard.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connect tickets of a single node. Expired tickets are swept at most once a second by {@link #put}, so the
 * map holds about what was issued within the ticket lifetime (issuing is rate-limited per user).
 * Thread-safe: a ticket is taken with an atomic remove.
 */
@ApplicationScoped
@Typed(InMemoryTicketStore.class)
public class InMemoryTicketStore implements TicketStore {
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private record Kept(String token, long expiresAtNanos) {
    }

    private final Map<String, Kept> tickets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    @Override
    public void put(String ticket, String token, Duration ttl) {
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
            tickets.values().removeIf(kept -> kept.expiresAtNanos() - now < 0);
        }
        tickets.put(ticket, new Kept(token, now + ttl.toNanos()));
    }

    @Override
    public Optional<String> take(String ticket) {
        Kept kept = tickets.remove(ticket);
        return kept == null || kept.expiresAtNanos() - System.nanoTime() < 0 ? Optional.empty() : Optional.of(kept.token());
    }

    /** Tickets held now (issued, not yet taken or swept). */
    int size() {
        return tickets.size();
    }
}
