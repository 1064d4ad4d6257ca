/**
 * Switchboard browser client: one object per logical connection, kept alive across network drops and
 * node restarts. Plain ES module, no dependencies, no build step:
 *
 *   import { connect } from "https://gateway.example.com/switchboard.js";
 *   const sb = connect({ url: "wss://gateway.example.com/ws", getToken: () => fetchMyJwt(), device: "laptop" });
 *   sb.on("message", (m) => console.log(m.from, m.content));
 *   await sb.join("lobby");
 *   await sb.send(["bob"], { text: "hi" });
 *
 * What it does for the application (protocol: src/docs/protocol.md, client guide: src/docs/client.md):
 * - Commands return promises settled by the server's reply to that command (ack, joined, left, pong,
 *   history, acked) or rejected with a {@link SwitchboardError} carrying the server's error code/reason.
 *   Commands issued while (re)connecting wait for the connection, up to `commandTimeoutMs`. A command
 *   the node refused as `overloaded` (not run) is sent again after the `retryAfterMs` it names, within
 *   the same `commandTimeoutMs`.
 * - Reconnects with exponential backoff and jitter (bounded by `maxDelayMs`); at once on 1012 (node
 *   shutting down) and 4002 (disconnected by a backend); never after an authentication failure or a
 *   4100–4199 close ("do not reconnect with these credentials").
 * - Resumes: reconnects with `since` = the last direct message it processed, re-joins its rooms with
 *   `since` = the last room message it processed, drops anything at or below those ids, and (with a
 *   `device`) acknowledges what it processed so a page reload resumes where it left off. It never moves
 *   past a gap: when the server could not replay (`welcome.stored: "unavailable"`, a re-join refused with
 *   503) it keeps its last processed ids, hands live messages over meanwhile (each once), and reconnects
 *   after a backoff to resume from those ids.
 * - A watchdog pings a quiet connection and, if nothing at all arrives in `pingIntervalMs + pongTimeoutMs`,
 *   drops it and reconnects (a half-open TCP connection otherwise looks alive for minutes).
 * - Calls `getToken()` (if given) before every connection attempt, so a reconnect uses a fresh token, and
 *   before the connection's token expires (`welcome.expiresAt`), sending the new one in-band (`auth`).
 * - Keeps the token out of URLs (and so out of proxy and server logs): before each connection attempt it
 *   trades the token, sent in the `Authorization` header, for a single-use ticket (`POST <base>/api/tickets`,
 *   `<base>` being the WebSocket URL's directory over http(s); or `ticketUrl`) and connects with
 *   `?ticket=`. With `tickets: false` (or no `fetch`) it puts the token in `?token=` instead.
 *
 * - Batches (unless `batch: false`): connects with `batch=1`, so the server may join several frames into one
 *   WebSocket frame (separated by `\n`), which it splits; the commands it issues in one tick go out the same
 *   way, at most `batchMaxFrames` and `batchMaxBytes` (UTF-16 units, a bound on UTF-8 bytes / 3) per frame.
 *
 * Everything runs on the page's event loop; no state is shared between clients.
 */

/** Close codes of the Switchboard protocol, and the browser's own 1006. */
export const CloseCodes = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  ABNORMAL: 1006,
  MESSAGE_TOO_BIG: 1009,
  SERVICE_RESTART: 1012,
  HEARTBEAT_TIMEOUT: 4000,
  SLOW_CONSUMER: 4001,
  DISCONNECTED: 4002,
  SIGNED_OUT: 4100,
  TOKEN_EXPIRED: 4101,
  USER_MISMATCH: 4102,
});

/** Events a room's handle gets too (for frames of its room). */
const ROOM_EVENTS = new Set(["message", "presence", "joined", "left"]);

/** Client-side close code for a connection the watchdog found silent (4000–4099: reconnect). */
const WATCHDOG_CLOSE = 4090;
/** Client-side close code for a connection ended to resume stored messages the server could not replay. */
const RESUME_CLOSE = 4091;

/** An error from the server (error frame, failed handshake) or from the client (timeout, connection lost). */
export class SwitchboardError extends Error {
  /**
   * @param {number|string} code HTTP-style status from the server (400, 401, 403, 503…) or a client code
   *   ("timeout", "connection-lost", "closed")
   * @param {string} reason the server's `reason` (e.g. "forbidden") or the client code again
   * @param {string} message human-readable detail
   */
  constructor(code, reason, message) {
    super(message || reason);
    this.name = "SwitchboardError";
    this.code = code;
    this.reason = reason;
  }
}

const DEFAULTS = Object.freeze({
  minDelayMs: 500,
  maxDelayMs: 15000,
  backoffFactor: 2,
  commandTimeoutMs: 10000,
  pingIntervalMs: 0, // 0: the server's heartbeat interval from `welcome`
  pongTimeoutMs: 10000,
  ackDelayMs: 500,
  refreshBeforeMs: 60000, // send a new token this long before the current one expires (at most 1/5 of its life)
  maxQueuedCommands: 1000,
  tickets: true, // trade the token for a single-use ticket instead of putting it in the URL
  batch: true, // frames joined by "\n" both ways (the server's batch=1)
  batchMaxFrames: 16,
  batchMaxBytes: 16384, // of one outgoing joined frame, in UTF-16 units; the server takes 64 KB frames by default
});

/** Opens a client and starts connecting; see {@link SwitchboardClient}. */
export function connect(options) {
  const client = new SwitchboardClient(options);
  client.open();
  return client;
}

/**
 * Whether stored-message id `a` comes after `b` ("<ms>-<seq>", as Redis stream ids). Ids of another shape
 * (UUIDs, when the server stores nothing) are never ordered: every message counts as new.
 */
export function isAfter(a, b) {
  const x = parseId(a);
  const y = parseId(b);
  if (!x || !y) {
    return true;
  }
  return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
}

function parseId(id) {
  const match = typeof id === "string" && /^(\d+)-(\d+)$/.exec(id);
  return match ? [BigInt(match[1]), BigInt(match[2])] : null;
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, with 50–100 % jitter. */
export function backoffDelay(attempt, { minDelayMs, maxDelayMs, backoffFactor }, random = Math.random) {
  const ceiling = Math.min(maxDelayMs, minDelayMs * Math.pow(backoffFactor, attempt));
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/**
 * The listeners `on` added to one event target, by type and by the application's function, so that `off` can
 * remove exactly what `on` added (the target holds wrappers that pass the event's detail).
 */
class Listeners {
  #target;
  /** type → (listener → wrapper) */
  #byType = new Map();

  constructor(target) {
    this.#target = target;
  }

  on(type, listener) {
    if (typeof listener !== "function") {
      throw new TypeError("on(" + type + ", listener) needs a function");
    }
    let wrappers = this.#byType.get(type);
    if (!wrappers) {
      wrappers = new Map();
      this.#byType.set(type, wrappers);
    }
    if (!wrappers.has(listener)) { // added once, like addEventListener
      const wrapper = (event) => listener(event.detail);
      wrappers.set(listener, wrapper);
      this.#target.addEventListener(type, wrapper);
    }
    return () => this.off(type, listener);
  }

  off(type, listener) {
    const wrappers = this.#byType.get(type);
    const wrapper = wrappers && wrappers.get(listener);
    if (wrapper) {
      wrappers.delete(listener);
      this.#target.removeEventListener(type, wrapper);
    }
  }
}

/**
 * One room as the application sees it, from `client.room("lobby")` (the same handle for the same name): join
 * and leave it, publish to it, read its history, and listen to what happens in it alone. Events (`on(type, fn)`
 * passes the detail; `off(type, fn)` removes it): `message` (a message of this room, each once), `presence`
 * (`{event: "join"|"leave", user, members}`), `joined` (the reply to every (re)join), `left` (`reason:
 * "kicked"` when a backend removed the user). `members`, `users` and `joined` are what the client last saw.
 */
export class SwitchboardRoom extends EventTarget {
  #name;
  #client;
  #view;
  #listeners = new Listeners(this);

  /** Made by {@link SwitchboardClient#room}; `view` reads the client's record of the room. */
  constructor(client, name, view) {
    super();
    this.#client = client;
    this.#name = name;
    this.#view = view;
  }

  /** The room's name. */
  get name() {
    return this.#name;
  }

  /** Whether the client is in the room now (joined, and not left or kicked since). */
  get joined() {
    const entry = this.#view();
    return Boolean(entry && entry.joined);
  }

  /** The room's member count last seen (0 before the first join). */
  get members() {
    const entry = this.#view();
    return entry ? entry.members : 0;
  }

  /** The room's users last seen: the first page at join, kept up to date by presence events. */
  get users() {
    const entry = this.#view();
    return entry ? [...entry.users] : [];
  }

  /** Joins, and re-joins after every reconnect until {@link leave}; resolves with the `joined` frame. */
  join({ since } = {}) {
    return this.#client.join(this.#name, { since });
  }

  /** Leaves (and stops re-joining); resolves with the `left` frame. */
  leave() {
    return this.#client.leave(this.#name);
  }

  /** Publishes to the room's members (this connection too unless `echo: false`); resolves with the `ack`. */
  publish(content, { echo = true } = {}) {
    return this.#client.publish(this.#name, content, { echo });
  }

  /** The room's stored messages (`since`, `limit`); resolves with the `history` frame. */
  history({ since, limit } = {}) {
    return this.#client.history(this.#name, { since, limit });
  }

  /** Adds a listener that receives the event's detail; returns a function that removes it. */
  on(type, listener) {
    return this.#listeners.on(type, listener);
  }

  /** Removes a listener `on` added. */
  off(type, listener) {
    this.#listeners.off(type, listener);
  }
}

/**
 * A Switchboard connection that keeps itself open. Events (listen with `on(type, fn)`, which passes the
 * detail, or `addEventListener`, which passes a CustomEvent):
 * - `open`: the server's `welcome` frame (`user`, `node`, `recovered`…) after every (re)connect
 * - `message`: a direct, room (`room` set) or broadcast (`type: "broadcast"`) message frame, each once
 * - `presence`: `{room, event: "join"|"leave", user, members}`; `joined`: the reply to every (re)join
 * - `left`: a room was left (`reason: "kicked"` when a backend removed the user)
 * - `close`: `{code, reason, reconnect}` whenever a connection ends
 * - `reconnecting`: `{attempt, delayMs}` before each new attempt
 * - `error`: a {@link SwitchboardError} not tied to a command (auth failure, server error without id)
 *
 * Rooms have handles of their own ({@link SwitchboardClient#room}) that get only their room's `message`,
 * `presence`, `joined` and `left` events; the client gets every event as well. The room calls on the client
 * (`join(room)`, `leave(room)`, `publish(room, …)`, `history(room, …)`, `joinedRooms()`) keep working for
 * this release and the next; new code should use the handles.
 *
 * Everything else is private (`#` fields): `state`, `welcome` and `lastMessageId` are read-only.
 */
export class SwitchboardClient extends EventTarget {
  #WebSocketImpl;
  #ackedUpTo;
  #attempt;
  #authRetried;
  #gap;
  #handedOver;
  #lastMessageId;
  #lastReceived;
  #nextId;
  #onOnline;
  #options;
  #outgoing;
  #pending;
  #pingSent;
  #queue;
  #refreshing;
  #retrying;
  #rooms;
  #socket;
  #state;
  #timers;
  #token;
  #welcome;
  #welcomedNow;
  #listeners = new Listeners(this);
  /** room → its handle, made on first ask */
  #handles = new Map();

  constructor(options) {
    super();
    if (!options || !options.url) {
      throw new TypeError("connect({url, token | getToken}) needs a url");
    }
    if (!options.token && typeof options.getToken !== "function") {
      throw new TypeError("connect() needs a token or a getToken function");
    }
    this.#options = { ...DEFAULTS, ...options };
    this.#WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    /** "idle" | "connecting" | "open" | "reconnecting" | "closed" */
    this.#state = "idle";
    /** The last `welcome` frame. */
    this.#welcome = null;
    /** Id of the last direct message handed to the application: where a reconnect resumes. */
    this.#lastMessageId = options.since || null;
    this.#token = options.token || null;
    /** Whether the current socket got its `welcome`. */
    this.#welcomedNow = false;
    this.#socket = null;
    this.#attempt = 0;
    this.#nextId = 1;
    /** command id → {resolve, reject, timer, frame} awaiting the server's reply */
    this.#pending = new Map();
    /** commands waiting for the connection to open, in order */
    this.#queue = [];
    /** room → {lastId, waiters: [{resolve, reject}], members, users} for every room the app wants to be in */
    this.#rooms = new Map();
    this.#lastReceived = 0;
    this.#pingSent = 0;
    this.#timers = { reconnect: null, watchdog: null, ack: null, refresh: null };
    /** command → timer, for commands the server refused as `overloaded`, waiting to be sent again */
    this.#retrying = new Map();
    this.#ackedUpTo = null;
    this.#refreshing = false;
    this.#authRetried = false;
    this.#onOnline = () => {
      if (this.#state === "reconnecting") {
        this.#connectNow();
      }
    };
  }

  /** "idle" | "connecting" | "open" | "reconnecting" | "closed" */
  get state() {
    return this.#state;
  }

  /** The last `welcome` frame (null before the first). */
  get welcome() {
    return this.#welcome;
  }

  /** Id of the last direct message handed to the application: where a reconnect resumes (null: none yet). */
  get lastMessageId() {
    return this.#lastMessageId;
  }

  /** Adds a listener that receives the event's detail; returns a function that removes it. */
  on(type, listener) {
    return this.#listeners.on(type, listener);
  }

  /** Removes a listener `on` added. */
  off(type, listener) {
    this.#listeners.off(type, listener);
  }

  /** The handle of room `name` (the same one every time): join, publish, history, its own events. */
  room(name) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError("room(name) needs a room name");
    }
    let handle = this.#handles.get(name);
    if (!handle) {
      handle = new SwitchboardRoom(this, name, () => this.#rooms.get(name));
      this.#handles.set(name, handle);
    }
    return handle;
  }

  /** Starts connecting (done by {@link connect}). */
  open() {
    if (this.#state !== "idle") {
      return;
    }
    if (typeof window !== "undefined" && window.addEventListener) {
      window.addEventListener("online", this.#onOnline);
    }
    this.#connectNow();
  }

  /**
   * Sends `content` (any JSON) to every connection of each user in `to`; resolves with the `ack`. Stored for
   * them (delivered later to whoever is offline, resumed after a reconnect) unless `store: false`: then only
   * the connections online now get it (typing indicators, cursors, live prices).
   */
  send(to, content, { store = true } = {}) {
    const frame = { type: "message", to: Array.isArray(to) ? to : [to], content };
    if (!store) {
      frame.store = false;
    }
    return this.#command(frame);
  }

  /** Sends `content` to every connection of the gateway (needs the broadcast group); resolves with the `ack`. */
  broadcast(content) {
    return this.#command({ type: "broadcast", content });
  }

  /** Publishes to a room's members (this connection too unless `echo: false`); resolves with the `ack`. */
  publish(room, content, { echo = true } = {}) {
    const frame = { type: "publish", room, content };
    if (!echo) {
      frame.echo = false;
    }
    return this.#command(frame);
  }

  /**
   * Joins a room, and re-joins it after every reconnect until {@link leave}; resolves with the `joined`
   * frame (`members`, `users`). With `since`, the room messages after that id are sent first.
   */
  join(room, { since } = {}) {
    let entry = this.#rooms.get(room);
    if (!entry) {
      entry = { lastId: since || null, waiters: [], members: 0, users: [] };
      this.#rooms.set(room, entry);
    }
    const promise = new Promise((resolve, reject) => entry.waiters.push({ resolve, reject }));
    if (this.#state === "open") {
      this.#sendJoin(room, entry);
    }
    return promise;
  }

  /** Leaves a room (and stops re-joining it); resolves with the `left` frame. */
  leave(room) {
    const entry = this.#rooms.get(room);
    this.#rooms.delete(room);
    if (entry) {
      entry.waiters.splice(0).forEach((w) => w.reject(new SwitchboardError("left", "left", "left before joining")));
    }
    if (this.#state !== "open") {
      return Promise.resolve({ type: "left", room }); // not re-joined when the connection comes back
    }
    return this.#command({ type: "leave", room });
  }

  /** Stored messages of a room (`since`, `limit`); resolves with the `history` frame. */
  history(room, { since, limit } = {}) {
    const frame = { type: "history", room };
    if (since) frame.since = since;
    if (limit) frame.limit = limit;
    return this.#command(frame);
  }

  /**
   * One page of the gateway's rooms that this user may join, in name order, with member counts;
   * resolves with `{rooms: [{room, members}], next}` (pass `next` as `after` for the following page).
   */
  listRooms({ after, limit } = {}) {
    const frame = { type: "rooms" };
    if (after) frame.after = after;
    if (limit) frame.limit = limit;
    return this.#command(frame);
  }

  /** An application-level ping; resolves with the `pong`. */
  ping() {
    return this.#command({ type: "ping" });
  }

  /** Rooms this client is in (or re-joining), with the member counts last seen. */
  joinedRooms() {
    return [...this.#rooms.entries()].map(([room, e]) => ({ room, members: e.members, users: [...e.users] }));
  }

  /** Closes for good: no reconnect; pending commands are rejected. */
  close() {
    if (this.#state === "closed") {
      return;
    }
    this.#flushAck();
    this.#shutdown(new SwitchboardError("closed", "closed", "client closed"));
    this.#emit("close", { code: CloseCodes.NORMAL, reason: "client closed", reconnect: false });
  }

  // ---- connection lifecycle ----

  async #connectNow() {
    clearTimeout(this.#timers.reconnect);
    this.#timers.reconnect = null;
    if (this.#state === "closed" || this.#state === "connecting" || this.#state === "open") {
      return;
    }
    this.#state = "connecting";
    this.#welcomedNow = false;
    let token;
    try {
      token = typeof this.#options.getToken === "function" ? await this.#withTimeout(this.#options.getToken()) : this.#token;
    } catch (e) {
      this.#emit("error", new SwitchboardError("token", "token", "getToken() failed: " + (e && e.message)));
      this.#scheduleReconnect(null);
      return;
    }
    if (this.#state !== "connecting") {
      return; // closed meanwhile
    }
    this.#token = token;
    let ticket = null;
    if (this.#usesTickets()) {
      const issued = await this.#fetchTicket(token);
      if (this.#state !== "connecting") {
        return; // closed meanwhile
      }
      if (issued.status !== 200) {
        this.#handshakeFailed(1006, "ticket refused (" + issued.status + ")", issued.status);
        return;
      }
      ticket = issued.ticket;
    }
    const socket = new this.#WebSocketImpl(this.#socketUrl(token, ticket));
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
    };
    socket.onmessage = (event) => {
      if (this.#socket === socket) {
        this.#receive(event.data);
      }
    };
    socket.onclose = (event) => {
      if (this.#socket === socket) {
        this.#connectionEnded(event.code, event.reason, opened);
      }
    };
    socket.onerror = () => {
      // always followed by close, which decides what to do
    };
  }

  /** `promise`, or a rejection after `commandTimeoutMs`: a hung token service must not stall reconnecting. */
  #withTimeout(promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("no token within " + this.#options.commandTimeoutMs + " ms")),
          this.#options.commandTimeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** `fetch` for tickets and probes: the `fetch` option (tests), else the platform's, if any. */
  #fetchImpl() {
    return this.#options.fetch || (typeof fetch === "function" ? fetch : null);
  }

  #usesTickets() {
    return this.#options.tickets !== false && typeof this.#fetchImpl() === "function";
  }

  /** Where tickets are issued: `ticketUrl`, else `api/tickets` next to the WebSocket path, over http(s). */
  #ticketEndpoint() {
    const socket = new URL(this.#options.url, typeof location !== "undefined" ? location.href : undefined);
    socket.protocol = socket.protocol === "wss:" ? "https:" : socket.protocol === "ws:" ? "http:" : socket.protocol;
    return new URL(this.#options.ticketUrl || "api/tickets", socket);
  }

  /** Trades the token for a ticket: `{status: 200, ticket}`, or the refusal's status (0: network). */
  async #fetchTicket(token) {
    try {
      const response = await this.#withTimeout(this.#fetchImpl()(this.#ticketEndpoint(), {
        method: "POST", cache: "no-store", credentials: "omit", headers: { Authorization: "Bearer " + token },
      }));
      if (response.status !== 200) {
        return { status: response.status };
      }
      return { status: 200, ticket: (await response.json()).ticket };
    } catch (e) {
      return { status: 0 };
    }
  }

  #socketUrl(token, ticket) {
    const url = new URL(this.#options.url, typeof location !== "undefined" ? location.href : undefined);
    if (ticket) {
      url.searchParams.set("ticket", ticket);
    } else {
      url.searchParams.set("token", token);
    }
    if (this.#lastMessageId) {
      url.searchParams.set("since", this.#lastMessageId);
    }
    if (this.#options.device) {
      url.searchParams.set("device", this.#options.device);
    }
    if (this.#options.batch) {
      url.searchParams.set("batch", "1");
    }
    return url.toString();
  }

  #connectionEnded(code, reason, opened) {
    this.#socket = null;
    this.#stopWatchdog();
    clearTimeout(this.#timers.refresh);
    clearTimeout(this.#timers.resume);
    this.#timers.resume = null;
    this.#rejectInFlight(new SwitchboardError("connection-lost", "connection-lost",
        "the connection ended before the server answered (" + code + ")"));
    if (this.#state === "closed") {
      return;
    }
    if (!opened || !this.#welcomedNow) {
      this.#handshakeFailed(code, reason);
      return;
    }
    const canRenew = typeof this.#options.getToken === "function";
    const terminal = code >= 4100 && code <= 4199 && !(code === CloseCodes.TOKEN_EXPIRED && canRenew);
    this.#emit("close", { code, reason, reconnect: !terminal });
    if (terminal) {
      this.#shutdown(new SwitchboardError(code, "signed-out", reason || "the server ended this session"));
      this.#emit("error", new SwitchboardError(code, "signed-out", reason || "the server ended this session"));
      return;
    }
    const atOnce = code === CloseCodes.SERVICE_RESTART || code === CloseCodes.DISCONNECTED || code === WATCHDOG_CLOSE
        || code === CloseCodes.TOKEN_EXPIRED || code === RESUME_CLOSE;
    this.#scheduleReconnect(atOnce ? 0 : null);
  }

  /**
   * The upgrade failed or the socket closed before `welcome`. Browsers hide the HTTP status of a refused
   * upgrade, so ask the server: for another ticket (tickets mode), or the same URL over plain HTTP; it
   * answers 401 there for a bad token. A 401 with a token just fetched from getToken() gets one more try
   * with another; otherwise it is final. `knownStatus`: the status of a refused ticket request, if that is
   * what failed.
   */
  async #handshakeFailed(code, reason, knownStatus) {
    const status = knownStatus !== undefined ? knownStatus : await this.#probe();
    if (this.#state === "closed") {
      return;
    }
    if (status === 401) {
      const canRetry = typeof this.#options.getToken === "function" && !this.#authRetried;
      this.#emit("close", { code, reason: "unauthorized", reconnect: canRetry });
      if (canRetry) {
        this.#authRetried = true;
        this.#scheduleReconnect(0);
        return;
      }
      const error = new SwitchboardError(401, "unauthorized", "the server refused the token");
      this.#shutdown(error);
      this.#emit("error", error);
      return;
    }
    this.#emit("close", { code, reason, reconnect: true });
    this.#scheduleReconnect(null);
  }

  async #probe() {
    if (typeof fetch !== "function") {
      return 0;
    }
    if (this.#usesTickets()) {
      return (await this.#fetchTicket(this.#token)).status; // never the token in a URL, even to probe
    }
    try {
      const url = new URL(this.#socketUrl(this.#token));
      url.protocol = url.protocol === "wss:" ? "https:" : "http:";
      const response = await fetch(url, { cache: "no-store", credentials: "omit" });
      return response.status;
    } catch (e) {
      return 0; // network down, or another origin without CORS: unknown, so keep trying
    }
  }

  #scheduleReconnect(delayMs) {
    if (this.#state === "closed") {
      return;
    }
    this.#state = "reconnecting";
    const delay = delayMs === null ? backoffDelay(this.#attempt, this.#options) : delayMs;
    this.#attempt++;
    this.#emit("reconnecting", { attempt: this.#attempt, delayMs: delay });
    clearTimeout(this.#timers.reconnect);
    this.#timers.reconnect = setTimeout(() => this.#connectNow(), delay);
  }

  #shutdown(error) {
    this.#state = "closed";
    clearTimeout(this.#timers.reconnect);
    clearTimeout(this.#timers.ack);
    clearTimeout(this.#timers.refresh);
    clearTimeout(this.#timers.resume);
    this.#timers.resume = null;
    this.#stopWatchdog();
    if (typeof window !== "undefined" && window.removeEventListener) {
      window.removeEventListener("online", this.#onOnline);
    }
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      try {
        socket.close(CloseCodes.NORMAL, "client closed");
      } catch (e) {
        // already closing
      }
    }
    this.#rejectInFlight(error);
    for (const [command, timer] of this.#retrying) {
      clearTimeout(timer);
      clearTimeout(command.timer);
      command.reject(error);
    }
    this.#retrying.clear();
    this.#queue.splice(0).forEach((c) => c.reject(error));
    for (const entry of this.#rooms.values()) {
      entry.waiters.splice(0).forEach((w) => w.reject(error));
    }
  }

  // ---- frames in ----

  #receive(data) {
    this.#lastReceived = Date.now();
    this.#pingSent = 0;
    if (this.#options.batch && typeof data === "string" && data.includes("\n")) {
      data.split("\n").forEach((line) => this.#receiveFrame(line)); // compact JSON holds no raw newline
      return;
    }
    this.#receiveFrame(data);
  }

  #receiveFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      this.#emit("error", new SwitchboardError("invalid-frame", "invalid-frame", "unreadable frame from the server"));
      return;
    }
    switch (frame.type) {
      case "welcome":
        return this.#welcomed(frame);
      case "message":
        return frame.room ? this.#roomMessage(frame) : this.#directMessage(frame);
      case "broadcast":
        return this.#emit("message", frame);
      case "presence":
        return this.#presence(frame);
      case "joined":
        return this.#joined(frame);
      case "left":
        if (frame.reason) {
          this.#rooms.delete(frame.room); // kicked: do not re-join
        }
        this.#emit("left", frame);
        return this.#settle(frame);
      case "error":
        return this.#serverError(frame);
      default:
        return this.#settle(frame); // ack (also of auth), pong, acked, history, rooms
    }
  }

  #welcomed(frame) {
    this.#welcome = frame;
    this.#welcomedNow = true;
    this.#state = "open";
    if (frame.stored === "unavailable") {
      this.#resumeLater(); // keeps `attempt`: repeated failures back off
    } else {
      this.#attempt = 0;
      if (this.#gap) {
        this.#handedOver = this.#gap; // the replay brings these again: skip them, but move past them
        this.#gap = null;
      }
    }
    this.#authRetried = false;
    this.#startWatchdog(frame.heartbeatMs);
    this.#scheduleRefresh(frame.expiresAt);
    this.#emit("open", frame);
    for (const [room, entry] of this.#rooms) {
      this.#sendJoin(room, entry);
    }
    for (const command of this.#queue.splice(0)) {
      this.#transmit(command);
    }
  }

  #directMessage(frame) {
    if (this.#lastMessageId && !isAfter(frame.id, this.#lastMessageId)) {
      return; // already handed to the application before a reconnect
    }
    if (this.#gap) {
      // stored messages before this one may be missing: hand it over, but resume from before the gap
      if (this.#gap.has(frame.id)) {
        return;
      }
      this.#gap.add(frame.id);
      this.#emit("message", frame);
      return;
    }
    if (parseId(frame.id)) {
      this.#lastMessageId = frame.id;
      this.#scheduleAck();
    }
    if (this.#handedOver && this.#handedOver.delete(frame.id)) {
      if (this.#handedOver.size === 0) {
        this.#handedOver = null;
      }
      return; // handed over live while the gap was open
    }
    this.#emit("message", frame);
  }

  /**
   * The server could not give this connection what it missed: stay connected for live traffic, keep the
   * last processed ids, and reconnect after a backoff to resume from them.
   */
  #resumeLater() {
    if (!this.#gap) {
      this.#gap = new Set(); // ids handed over while the gap is open, so the resume does not repeat them
    }
    if (this.#timers.resume) {
      return;
    }
    const delay = backoffDelay(this.#attempt, this.#options);
    this.#attempt++;
    this.#timers.resume = setTimeout(() => {
      this.#timers.resume = null;
      if (this.#socket && this.#state === "open") {
        this.#socket.close(RESUME_CLOSE, "resuming stored messages");
      }
    }, delay);
  }

  #roomMessage(frame) {
    const entry = this.#rooms.get(frame.room);
    if (entry) {
      if (entry.lastId && !isAfter(frame.id, entry.lastId)) {
        return;
      }
      if (parseId(frame.id)) {
        entry.lastId = frame.id;
      }
    }
    this.#emit("message", frame);
  }

  #presence(frame) {
    const entry = this.#rooms.get(frame.room);
    if (entry) {
      entry.members = frame.members;
      if (frame.event === "join" && !entry.users.includes(frame.user)) {
        entry.users.push(frame.user);
      } else if (frame.event === "leave") {
        entry.users = entry.users.filter((u) => u !== frame.user);
      }
    }
    this.#emit("presence", frame);
  }

  #joined(frame) {
    const entry = this.#rooms.get(frame.room);
    if (entry) {
      entry.joined = true;
      entry.members = frame.members;
      entry.users = [...(frame.users || [])];
      entry.waiters.splice(0).forEach((w) => w.resolve(frame));
    }
    this.#settle(frame);
    this.#emit("joined", frame);
  }

  #serverError(frame) {
    const error = new SwitchboardError(frame.code, frame.reason, frame.message);
    if (frame.reason === "token-expired" && typeof this.#options.getToken === "function") {
      this.#refreshToken(); // late (a sleeping tab): the server waits a grace period for the new token
      return;
    }
    if (frame.id !== undefined && this.#pending.has(frame.id)) {
      const command = this.#pending.get(frame.id);
      if (frame.reason === "overloaded" && command.frame.type !== "join") {
        // surely not run (the node refused it before queueing): send it again after the wait it names,
        // until the command's own timeout
        this.#pending.delete(frame.id);
        this.#retrying.set(command, setTimeout(() => {
          this.#retrying.delete(command);
          if (command.expired) {
            return;
          }
          if (this.#state === "open") {
            this.#transmit(command);
          } else {
            this.#queue.push(command);
          }
        }, frame.retryAfterMs ?? 100));
        return;
      }
      if (command.frame.type === "join") {
        const entry = this.#rooms.get(command.frame.room);
        if (entry && entry.joined && frame.code === 503) {
          // a re-join the relay could not take now: keep the room and its last id, and try again later
          this.#settle(frame, error);
          this.#resumeLater();
          return;
        }
        this.#rooms.delete(command.frame.room);
        if (entry) {
          entry.waiters.splice(0).forEach((w) => w.reject(error));
        }
      }
      this.#settle(frame, error);
      return;
    }
    this.#emit("error", error);
  }

  #settle(frame, error) {
    if (frame.id === undefined) {
      return;
    }
    const command = this.#pending.get(frame.id);
    if (!command) {
      return;
    }
    this.#pending.delete(frame.id);
    clearTimeout(command.timer);
    if (error) {
      command.reject(error);
    } else {
      command.resolve(frame);
    }
  }

  // ---- frames out ----

  #command(frame) {
    return new Promise((resolve, reject) => {
      if (this.#state === "closed") {
        reject(new SwitchboardError("closed", "closed", "client closed"));
        return;
      }
      const command = { frame: { ...frame, id: this.#nextId++ }, resolve, reject, timer: null };
      command.timer = setTimeout(() => {
        command.expired = true;
        this.#pending.delete(command.frame.id);
        const queued = this.#queue.indexOf(command);
        if (queued >= 0) {
          this.#queue.splice(queued, 1);
        }
        reject(new SwitchboardError("timeout", "timeout", "no reply within " + this.#options.commandTimeoutMs + " ms"));
      }, this.#options.commandTimeoutMs);
      if (this.#state === "open") {
        this.#transmit(command);
      } else if (this.#queue.length >= this.#options.maxQueuedCommands) {
        clearTimeout(command.timer);
        reject(new SwitchboardError("queue-full", "queue-full", "too many commands waiting for the connection"));
      } else {
        this.#queue.push(command);
      }
    });
  }

  #transmit(command) {
    this.#pending.set(command.frame.id, command);
    this.#write(command.frame);
  }

  /**
   * Sends a frame on the current socket. With batching, frames written in one tick are joined by "\n" and
   * sent together at the end of the tick (or sooner, when the caps are reached).
   */
  #write(frame) {
    const text = JSON.stringify(frame);
    if (!this.#options.batch) {
      this.#socket.send(text);
      return;
    }
    const out = this.#outgoing;
    if (out && (out.socket !== this.#socket || out.lines.length >= this.#options.batchMaxFrames
        || out.length + 1 + text.length > this.#options.batchMaxBytes)) {
      this.#flushOutgoing();
    }
    if (!this.#outgoing) {
      const batch = { socket: this.#socket, lines: [], length: -1 };
      this.#outgoing = batch;
      queueMicrotask(() => {
        if (this.#outgoing === batch) {
          this.#flushOutgoing();
        }
      });
    }
    this.#outgoing.lines.push(text);
    this.#outgoing.length += 1 + text.length;
  }

  #flushOutgoing() {
    const out = this.#outgoing;
    this.#outgoing = null;
    if (out && out.socket === this.#socket) { // a socket replaced meanwhile: its commands were failed with it
      out.socket.send(out.lines.join("\n"));
    }
  }

  #sendJoin(room, entry) {
    const frame = { type: "join", room, id: this.#nextId++ };
    if (entry.lastId) {
      frame.since = entry.lastId;
    }
    // settled through the room's waiters, not a pending command: a join lost to a reconnect is resent
    this.#pending.set(frame.id, { frame, resolve: () => {}, reject: () => {}, timer: null });
    this.#write(frame);
  }

  #rejectInFlight(error) {
    for (const [id, command] of this.#pending) {
      clearTimeout(command.timer);
      command.reject(error);
      this.#pending.delete(id);
    }
  }

  /** Acknowledges (debounced) the last processed direct message, so this device resumes there next time. */
  #scheduleAck() {
    if (!this.#options.device || this.#timers.ack) {
      return;
    }
    this.#timers.ack = setTimeout(() => {
      this.#timers.ack = null;
      this.#flushAck();
    }, this.#options.ackDelayMs);
  }

  #flushAck() {
    if (!this.#options.device || !this.#lastMessageId || this.#lastMessageId === this.#ackedUpTo
        || this.#state !== "open") {
      return;
    }
    this.#ackedUpTo = this.#lastMessageId;
    this.#write({ type: "ack", upTo: this.#lastMessageId });
  }

  // ---- token refresh ----

  /** Sends a new token before the one of this connection (expiring at `expiresAt`, epoch s) runs out. */
  #scheduleRefresh(expiresAt) {
    clearTimeout(this.#timers.refresh);
    if (!expiresAt || typeof this.#options.getToken !== "function") {
      return;
    }
    const lifetime = Math.max(0, expiresAt * 1000 - Date.now());
    const lead = Math.min(this.#options.refreshBeforeMs, lifetime / 5);
    this.#timers.refresh = setTimeout(() => this.#refreshToken(), lifetime - lead);
  }

  async #refreshToken() {
    if (this.#state !== "open" || this.#refreshing) {
      return;
    }
    this.#refreshing = true;
    try {
      const token = await this.#withTimeout(this.#options.getToken());
      const reply = await this.#command({ type: "auth", token });
      this.#token = token;
      this.#scheduleRefresh(reply.expiresAt);
    } catch (e) {
      this.#emit("error", e instanceof SwitchboardError ? e
          : new SwitchboardError("token", "token", "getToken() failed: " + (e && e.message)));
      if (this.#state === "open") {
        clearTimeout(this.#timers.refresh);
        this.#timers.refresh = setTimeout(() => this.#refreshToken(), 5000); // the server's grace covers this
      }
    } finally {
      this.#refreshing = false;
    }
  }

  // ---- watchdog ----

  #startWatchdog(heartbeatMs) {
    this.#stopWatchdog();
    const interval = this.#options.pingIntervalMs || heartbeatMs || 25000;
    const silentLimit = interval + this.#options.pongTimeoutMs;
    this.#lastReceived = Date.now();
    this.#timers.watchdog = setInterval(() => {
      const quiet = Date.now() - this.#lastReceived;
      if (quiet >= silentLimit) {
        this.#dropSilentConnection(quiet);
      } else if (quiet >= interval && !this.#pingSent && this.#socket) {
        this.#pingSent = Date.now();
        this.#write({ type: "ping" });
      }
    }, Math.max(100, Math.min(1000, interval / 4)));
  }

  #stopWatchdog() {
    clearInterval(this.#timers.watchdog);
    this.#timers.watchdog = null;
  }

  #dropSilentConnection(quietMs) {
    const socket = this.#socket;
    // forget it first: the close handshake of a dead connection may take minutes
    this.#socket = null;
    try {
      socket.close(WATCHDOG_CLOSE, "no frame from the server");
    } catch (e) {
      // already closing
    }
    this.#connectionEnded(WATCHDOG_CLOSE, "nothing received for " + quietMs + " ms", true);
  }

  #emit(type, detail) {
    const handle = detail && typeof detail.room === "string" && ROOM_EVENTS.has(type) ? this.#handles.get(detail.room) : null;
    if (handle) {
      handle.dispatchEvent(new CustomEvent(type, { detail }));
    }
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
