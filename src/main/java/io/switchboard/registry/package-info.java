/**
 * What this node holds: its open connections by id and by user ({@code ConnectionRegistry}) and its room
 * memberships ({@code RoomRegistry}), in concurrent maps. Depends on {@code connection} and {@code protocol}.
 */
package io.switchboard.registry;
