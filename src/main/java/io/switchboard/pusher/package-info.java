/**
 * Pusher Channels compatibility (protocol 7), under construction (issue 29): the signatures pusher-js, Laravel
 * Echo and the official server libraries present ({@code PusherSignatures}) and the HTTP API's signed requests
 * ({@code SignedRequests}, refusing with {@code PusherApiException}), channel names and kinds
 * ({@code PusherChannel}), socket ids ({@code SocketIds}), the frames pusher-js reads ({@code PusherFrames},
 * written with the JSON-P factories of {@code protocol}) and Pusher's error codes ({@code PusherError}). The apps
 * come from {@code config} ({@code switchboard.pusher.apps}). Depends on {@code config} and {@code protocol}.
 */
package io.switchboard.pusher;
