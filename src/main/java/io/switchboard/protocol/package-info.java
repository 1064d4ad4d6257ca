/**
 * The wire format: client commands as decoded records ({@code ClientCommand}, {@code CommandDecoder}), the
 * frames the server writes ({@code Frames}, {@code FrameTemplate}), error codes shared by WebSocket error
 * frames and HTTP problem+json, close codes and message ids. Stateless, JSON-P only; depends on no other
 * Switchboard package.
 */
package io.switchboard.protocol;
