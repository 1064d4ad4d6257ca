/**
 * The backends' HTTP/JSON API (JAX-RS resources: messages, broadcasts, rooms, users and presence, stats,
 * connect tickets, dev tokens), its filters (backend credentials, draining, the demo page) and its
 * problem+json answers. Depends on {@code config}, {@code inbox},
 * {@code lifecycle}, {@code limits}, {@code metrics}, {@code protocol}, {@code registry}, {@code routing} and
 * {@code security}.
 */
package io.switchboard.api;
