/**
 * Stored messages: the {@code Inbox} port (reads, cursors, seen markers) with its in-memory implementation,
 * resuming a connection from them ({@code ResumeService}), replaying a stream's stored messages without
 * waiting on a thread ({@code StreamReplay}, also for room history) and the one retention rule
 * ({@code Retention}); the Redis implementation lives in {@code redis}. Depends on {@code config},
 * {@code connection} and {@code protocol}.
 */
package io.switchboard.inbox;
