package io.switchboard.security;

/** The ticket store shared by every node of a cluster (implemented on Redis). */
public interface ClusterTicketStore extends TicketStore {
}
