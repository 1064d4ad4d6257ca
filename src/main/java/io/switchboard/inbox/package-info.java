/**
 * Stored messages: the {@code Inbox} port (reads, cursors, seen markers) with its in-memory implementation,
 * and resuming a connection from them ({@code ResumeService}); the Redis implementation lives in
 * {@code redis}. Depends on {@code config}, {@code connection} and {@code protocol}.
 */
package io.switchboard.inbox;
