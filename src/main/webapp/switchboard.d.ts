/**
 * Types of the Switchboard browser client (`switchboard.js`, served beside this file). The frames are those of
 * the protocol (src/docs/protocol.md); fields the server may add later are allowed by the index signatures.
 *
 *   import { connect } from "https://gateway.example.com/switchboard.js";
 *   const sb = connect({ url: "wss://gateway.example.com/ws", getToken: fetchMyJwt, device: "laptop" });
 *   const lobby = sb.room("lobby");
 *   lobby.on("message", (m) => console.log(m.from, m.content));
 *   await lobby.join();
 */

/** Any JSON value: what `content` carries. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Close codes of the Switchboard protocol, and the browser's own 1006. */
export declare const CloseCodes: Readonly<{
  NORMAL: 1000;
  GOING_AWAY: 1001;
  UNSUPPORTED_DATA: 1003;
  ABNORMAL: 1006;
  MESSAGE_TOO_BIG: 1009;
  SERVICE_RESTART: 1012;
  HEARTBEAT_TIMEOUT: 4000;
  SLOW_CONSUMER: 4001;
  DISCONNECTED: 4002;
  SIGNED_OUT: 4100;
  TOKEN_EXPIRED: 4101;
  USER_MISMATCH: 4102;
}>;

/** An error from the server (error frame, refused handshake) or from the client (timeout, connection lost). */
export declare class SwitchboardError extends Error {
  constructor(code: number | string, reason: string, message?: string);
  /** HTTP-style status from the server (400, 401, 403, 503…) or a client code ("timeout", "connection-lost", "closed"). */
  readonly code: number | string;
  /** The server's `reason` (e.g. "forbidden", "overloaded") or the client code again. */
  readonly reason: string;
}

export interface ConnectOptions {
  /** The WebSocket URL, e.g. "wss://gateway.example.com/ws" (relative to the page if not absolute). */
  url: string;
  /** A fixed token; give `getToken` instead to renew it before it expires and on every reconnect. */
  token?: string;
  /** Asked before every connection attempt and before the connection's token expires. */
  getToken?: () => string | Promise<string>;
  /** Names this device: its position in the stored messages is kept across page loads. */
  device?: string;
  /** Resume direct messages after this id (default: the device's position, else what arrived while offline). */
  since?: string;
  minDelayMs?: number;
  maxDelayMs?: number;
  backoffFactor?: number;
  commandTimeoutMs?: number;
  /** 0: the server's heartbeat interval from `welcome`. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  ackDelayMs?: number;
  refreshBeforeMs?: number;
  maxQueuedCommands?: number;
  /** Trade the token for a single-use ticket (default), so it never appears in a URL. */
  tickets?: boolean;
  /** Where tickets are issued (default: `api/tickets` beside the WebSocket path). */
  ticketUrl?: string;
  /** Frames joined by "\n" both ways (default true). */
  batch?: boolean;
  batchMaxFrames?: number;
  batchMaxBytes?: number;
  /** For tests and other platforms: the WebSocket constructor and `fetch` to use. */
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
}

export interface Frame {
  type: string;
  [field: string]: unknown;
}

export interface WelcomeFrame extends Frame {
  type: "welcome";
  connectionId: string;
  user: string;
  node: string;
  heartbeatMs: number;
  device?: string;
  /** false: stored messages before the resume point were trimmed (some are lost to this device). */
  recovered?: boolean;
  /** "unavailable": the server could not replay now; the client resumes later by itself. */
  stored?: "unavailable";
  /** When the token of this connection expires (epoch seconds). */
  expiresAt?: number;
}

/** A direct, room (`room` set) or broadcast (`type: "broadcast"`) message. */
export interface MessageFrame extends Frame {
  type: "message" | "broadcast";
  id: string;
  from: string;
  content: Json;
  ts: number;
  to?: string[];
  room?: string;
}

export interface RoomMessageFrame extends MessageFrame {
  type: "message";
  room: string;
}

export interface PresenceFrame extends Frame {
  type: "presence";
  room: string;
  event: "join" | "leave";
  user?: string;
  members: number;
}

export interface JoinedFrame extends Frame {
  type: "joined";
  room: string;
  members: number;
  users: string[];
  /** Only when the join asked for messages `since` an id: false if some were trimmed. */
  recovered?: boolean;
}

export interface LeftFrame extends Frame {
  type: "left";
  room: string;
  /** "kicked" when a backend removed the user: the client does not re-join. */
  reason?: string;
}

export interface AckFrame extends Frame {
  type: "ack";
  messageId?: string;
  /** Per user, how many connections got it (direct); a count (broadcast, publish). */
  delivered?: Record<string, number> | number;
  offline?: string[];
  undelivered?: string[];
  unknown?: string[];
  relay?: "unavailable";
  duplicate?: boolean;
  /** The reply to `auth`: when the new token expires (epoch seconds). */
  expiresAt?: number;
}

export interface HistoryFrame extends Frame {
  type: "history";
  room: string;
  recovered?: boolean;
  messages: RoomMessageFrame[];
}

export interface RoomsFrame extends Frame {
  type: "rooms";
  rooms: { room: string; members: number }[];
  /** Pass as `after` for the next page; null at the end. */
  next: string | null;
}

export interface PongFrame extends Frame {
  type: "pong";
  ts: number;
}

export interface CloseDetail {
  code: number;
  reason: string;
  /** Whether the client reconnects by itself. */
  reconnect: boolean;
}

export interface ReconnectingDetail {
  attempt: number;
  delayMs: number;
}

/** What each client event passes to `on`. */
export interface ClientEvents {
  open: WelcomeFrame;
  message: MessageFrame;
  presence: PresenceFrame;
  joined: JoinedFrame;
  left: LeftFrame;
  close: CloseDetail;
  reconnecting: ReconnectingDetail;
  error: SwitchboardError;
}

/** What each room event passes to `on`: only frames of that room. */
export interface RoomEvents {
  message: RoomMessageFrame;
  presence: PresenceFrame;
  joined: JoinedFrame;
  left: LeftFrame;
}

export type ClientState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** One room as the application sees it, from `client.room(name)`. */
export declare class SwitchboardRoom extends EventTarget {
  private constructor();
  readonly name: string;
  /** Whether the client is in the room now. */
  readonly joined: boolean;
  /** The member count last seen. */
  readonly members: number;
  /** The users last seen (first page at join, kept up to date by presence events). */
  readonly users: string[];
  /** Joins, and re-joins after every reconnect until `leave`; with `since`, the messages after that id first. */
  join(options?: { since?: string }): Promise<JoinedFrame>;
  leave(): Promise<LeftFrame>;
  publish(content: Json, options?: { echo?: boolean }): Promise<AckFrame>;
  history(options?: { since?: string; limit?: number }): Promise<HistoryFrame>;
  /** Returns a function that removes the listener. */
  on<K extends keyof RoomEvents>(type: K, listener: (detail: RoomEvents[K]) => void): () => void;
  off<K extends keyof RoomEvents>(type: K, listener: (detail: RoomEvents[K]) => void): void;
}

/** A Switchboard connection that keeps itself open (reconnects, resumes, renews its token). */
export declare class SwitchboardClient extends EventTarget {
  constructor(options: ConnectOptions);
  readonly state: ClientState;
  /** The last `welcome` frame. */
  readonly welcome: WelcomeFrame | null;
  /** Id of the last direct message handed to the application: where a reconnect resumes. */
  readonly lastMessageId: string | null;
  /** Starts connecting (done by `connect`). */
  open(): void;
  /** Closes for good: no reconnect; pending commands are rejected. */
  close(): void;
  /** The handle of a room (the same one for the same name). */
  room(name: string): SwitchboardRoom;
  /** Sends to every connection of each user; stored for them unless `store: false`. */
  send(to: string | string[], content: Json, options?: { store?: boolean }): Promise<AckFrame>;
  /** To every connection of the gateway (needs the broadcast group). */
  broadcast(content: Json): Promise<AckFrame>;
  /** One page of the rooms this user may join, in name order, with member counts. */
  listRooms(options?: { after?: string; limit?: number }): Promise<RoomsFrame>;
  ping(): Promise<PongFrame>;
  /** Returns a function that removes the listener. */
  on<K extends keyof ClientEvents>(type: K, listener: (detail: ClientEvents[K]) => void): () => void;
  off<K extends keyof ClientEvents>(type: K, listener: (detail: ClientEvents[K]) => void): void;

  /** @deprecated Use `client.room(room).join(options)`; kept for this release and the next. */
  join(room: string, options?: { since?: string }): Promise<JoinedFrame>;
  /** @deprecated Use `client.room(room).leave()`; kept for this release and the next. */
  leave(room: string): Promise<LeftFrame>;
  /** @deprecated Use `client.room(room).publish(content, options)`; kept for this release and the next. */
  publish(room: string, content: Json, options?: { echo?: boolean }): Promise<AckFrame>;
  /** @deprecated Use `client.room(room).history(options)`; kept for this release and the next. */
  history(room: string, options?: { since?: string; limit?: number }): Promise<HistoryFrame>;
  /** @deprecated Use the handles' `joined`, `members` and `users`; kept for this release and the next. */
  joinedRooms(): { room: string; members: number; users: string[] }[];
}

/** Opens a client and starts connecting. */
export declare function connect(options: ConnectOptions): SwitchboardClient;

/** Whether stored-message id `a` comes after `b` ("<ms>-<seq>"); ids of another shape are never ordered. */
export declare function isAfter(a: string, b: string): boolean;

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, with 50–100 % jitter. */
export declare function backoffDelay(attempt: number,
    options: { minDelayMs: number; maxDelayMs: number; backoffFactor: number }, random?: () => number): number;
