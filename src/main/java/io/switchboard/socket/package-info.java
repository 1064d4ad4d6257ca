/**
 * The client endpoint: the WebSocket handshake (filter, configurator), {@code GatewayEndpoint} and the
 * dispatch of each decoded command ({@code CommandDispatcher}); {@code socket.deflate} adds permessage-deflate.
 * The top of the call graph: depends on {@code api} (shared filters), {@code config}, {@code connection},
 * {@code inbox}, {@code lifecycle}, {@code limits}, {@code metrics}, {@code protocol}, {@code registry},
 * {@code routing} and {@code security}.
 */
package io.switchboard.socket;
