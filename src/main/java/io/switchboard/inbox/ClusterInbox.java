package io.switchboard.inbox;

/** Marker of the cluster (Redis) inbox, so {@link InboxSelector} can pick it without depending on Redis. */
public interface ClusterInbox extends Inbox {
}
