// The client library's reconnect and resume decisions, run in Node against a scripted WebSocket (the
// browser tests cover the same library against a real node; these reach the cases a live node cannot
// produce on demand, such as a 1012 from a draining node or a transport failure, and check the delays).
import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, connect, isAfter } from "../../main/webapp/switchboard.js";

/** A WebSocket whose server side the test plays; every instance is kept in `sockets`. */
function scriptedWebSocket() {
  const sockets = [];
  class ScriptedSocket {
    constructor(url) {
      this.url = new URL(url);
      this.sent = [];
      sockets.push(this);
    }
    send(text) {
      this.frames = (this.frames || 0) + 1;
      text.split("\n").forEach((line) => this.sent.push(JSON.parse(line)));
    }
    close() {}
    serverOpens(welcome = {}) {
      this.onopen?.();
      this.serverSends({ type: "welcome", connectionId: "c" + sockets.length, user: "alice", node: "n", heartbeatMs: 60000, ...welcome });
    }
    serverSends(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
    serverCloses(code, reason = "") { this.onclose?.({ code, reason }); }
  }
  return { ScriptedSocket, sockets };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function client(options = {}) {
  const { ScriptedSocket, sockets } = scriptedWebSocket();
  const events = [];
  const c = connect({ url: "ws://gateway.test/ws", token: "t", WebSocket: ScriptedSocket, device: "d1", tickets: false, ...options });
  for (const type of ["open", "close", "reconnecting", "message", "error"]) {
    c.on(type, (detail) => events.push({ type, detail }));
  }
  await tick();
  return { c, sockets, events };
}

test("trades the token for a single-use ticket and never puts the token in a URL", async () => {
  const requests = [];
  let issued = 0;
  const fakeFetch = async (url, init) => {
    requests.push({ url: String(url), method: init.method, authorization: init.headers.Authorization });
    return issued++ === 0 ? { status: 200, json: async () => ({ ticket: "ticket-" + issued, expiresInMs: 30000 }) }
        : { status: 401, json: async () => ({ code: "unauthorized" }) };
  };
  const { c, sockets, events } = await client({ url: "wss://gateway.test/app/ws", token: "secret-jwt", tickets: true, fetch: fakeFetch });
  await tick(5);
  assert.deepEqual(requests[0], { url: "https://gateway.test/app/api/tickets", method: "POST", authorization: "Bearer secret-jwt" });
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url.searchParams.get("ticket"), "ticket-1");
  assert.equal(sockets[0].url.searchParams.get("token"), null, "no token in the URL");
  sockets[0].serverOpens();
  sockets[0].serverCloses(1012, "restart");
  await tick(5);
  // the next ticket is refused: the token is bad now, and a client with a fixed token stops
  assert.equal(sockets.length, 1, "no socket without a ticket");
  assert.equal(events.filter((e) => e.type === "error").at(-1).detail.code, 401);
  assert.ok(sockets.every((s) => !s.url.search.includes("secret-jwt")));
  c.close();
});

test("batches both ways: opts in, splits joined frames, sends one tick's commands as one frame within the caps", async () => {
  const { c, sockets, events } = await client({ batchMaxFrames: 3 });
  const socket = sockets[0];
  assert.equal(socket.url.searchParams.get("batch"), "1");
  socket.serverOpens();
  const welcomeFrames = socket.frames || 0;
  const ignore = () => {};
  c.send(["bob"], "one").catch(ignore);
  c.send(["bob"], "two", { store: false }).catch(ignore);
  c.send(["bob"], "three").catch(ignore);
  c.send(["bob"], "four").catch(ignore);
  assert.equal(socket.frames || 0, welcomeFrames + 1, "the cap of 3 sent the first three at once");
  await tick();
  assert.equal(socket.frames, welcomeFrames + 2, "the rest at the end of the tick");
  const messages = socket.sent.filter((f) => f.type === "message");
  assert.deepEqual(messages.map((f) => f.content), ["one", "two", "three", "four"]);
  assert.deepEqual(messages.map((f) => f.store), [undefined, false, undefined, undefined]);
  socket.onmessage({ data: JSON.stringify({ type: "message", id: "1-0", from: "bob", content: "a" }) + "\n"
      + JSON.stringify({ type: "message", id: "1-1", from: "bob", content: "b" }) });
  assert.deepEqual(events.filter((e) => e.type === "message").map((e) => e.detail.content), ["a", "b"]);
  c.close();

  const plain = await client({ batch: false });
  assert.equal(plain.sockets[0].url.searchParams.get("batch"), null, "no offer without batching");
  plain.sockets[0].serverOpens();
  plain.c.send(["bob"], "x").catch(ignore);
  plain.c.send(["bob"], "y").catch(ignore);
  assert.equal(plain.sockets[0].frames, 2, "one frame per command");
  plain.c.close();
});

test("backoff grows exponentially with jitter and stays under the cap", () => {
  const options = { minDelayMs: 500, maxDelayMs: 15000, backoffFactor: 2 };
  assert.equal(backoffDelay(0, options, () => 0), 250);
  assert.equal(backoffDelay(0, options, () => 1), 500);
  assert.equal(backoffDelay(3, options, () => 1), 4000);
  for (let attempt = 0; attempt < 40; attempt++) {
    const delay = backoffDelay(attempt, options);
    assert.ok(delay >= 250 && delay <= 15000, "attempt " + attempt + ": " + delay);
  }
});

test("orders stored-message ids numerically and treats unordered ids as new", () => {
  assert.ok(isAfter("1795418924748-10", "1795418924748-9"));
  assert.ok(isAfter("1795418924749-0", "1795418924748-99"));
  assert.ok(!isAfter("1795418924748-0", "1795418924748-0"));
  assert.ok(isAfter("5b0f2c1e-uuid", "1795418924748-0"));
});

test("reconnects at once on 1012 and resumes from the last message, re-joining rooms from theirs", async () => {
  const { c, sockets, events } = await client();
  sockets[0].serverOpens();
  const joined = c.join("lobby");
  await tick(); // commands of one tick leave together, at its end
  assert.deepEqual(sockets[0].sent.map((f) => f.type), ["join"]);
  sockets[0].serverSends({ type: "joined", id: sockets[0].sent[0].id, room: "lobby", members: 1, users: ["alice"] });
  await joined;
  sockets[0].serverSends({ type: "message", id: "100-0", from: "bob", to: ["alice"], content: "a", ts: 1 });
  sockets[0].serverSends({ type: "message", room: "lobby", id: "101-0", from: "bob", content: "r", ts: 2 });
  sockets[0].serverCloses(1012, "node shutting down");

  assert.deepEqual(events.filter((e) => e.type === "reconnecting").map((e) => e.detail.delayMs), [0]);
  await tick(5);
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1].url.searchParams.get("since"), "100-0");
  assert.equal(sockets[1].url.searchParams.get("device"), "d1");
  sockets[1].serverOpens();
  await tick();
  assert.deepEqual(sockets[1].sent.map((f) => [f.type, f.room, f.since]), [["join", "lobby", "101-0"]]);

  sockets[1].serverSends({ type: "message", id: "100-0", from: "bob", to: ["alice"], content: "a", ts: 1 });
  sockets[1].serverSends({ type: "message", id: "102-0", from: "bob", to: ["alice"], content: "b", ts: 3 });
  assert.deepEqual(events.filter((e) => e.type === "message").map((e) => e.detail.content), ["a", "r", "b"]);
  c.close();
});

test("backs off after a transport failure and resets the backoff once connected", async () => {
  const { c, sockets, events } = await client({ minDelayMs: 20, maxDelayMs: 1000 });
  sockets[0].serverOpens();
  sockets[0].serverCloses(1006);
  const first = events.filter((e) => e.type === "reconnecting").at(-1).detail;
  assert.ok(first.delayMs >= 10 && first.delayMs <= 20, JSON.stringify(first));
  await tick(30);
  sockets[1].serverOpens();
  sockets[1].serverCloses(4000);
  const next = events.filter((e) => e.type === "reconnecting").at(-1).detail;
  assert.equal(next.attempt, 1, "the count starts again after a successful connection");
  c.close();
});

test("a 4100 close ends the client and rejects what was waiting", async () => {
  const { c, sockets, events } = await client();
  sockets[0].serverOpens();
  const pending = c.ping();
  sockets[0].serverCloses(4100, "signed out");
  await assert.rejects(pending, (e) => e.reason === "connection-lost");
  await assert.rejects(c.send(["bob"], "x"), (e) => e.reason === "closed");
  assert.equal(c.state, "closed");
  assert.deepEqual(events.filter((e) => e.type === "error").map((e) => [e.detail.code, e.detail.reason]), [[4100, "signed-out"]]);
  await tick(10);
  assert.equal(sockets.length, 1);
});

test("acknowledges processed messages for its device, once per batch", async () => {
  const { c, sockets } = await client({ ackDelayMs: 5 });
  sockets[0].serverOpens();
  for (const id of ["7-0", "7-1", "8-0"]) {
    sockets[0].serverSends({ type: "message", id, from: "bob", to: ["alice"], content: id, ts: 1 });
  }
  await tick(20);
  assert.deepEqual(sockets[0].sent, [{ type: "ack", upTo: "8-0" }]);
  c.close();
});

test("sends a new token in-band before the current one expires, and again before that one does", async () => {
  let issued = 0;
  const { c, sockets } = await client({ token: undefined, getToken: async () => "token-" + (++issued) });
  assert.equal(sockets[0].url.searchParams.get("token"), "token-1");
  sockets[0].serverOpens({ expiresAt: Math.floor(Date.now() / 1000) + 1 });
  const deadline = Date.now() + 3000;
  while (!sockets[0].sent.some((f) => f.type === "auth") && Date.now() < deadline) await tick(20);
  const auth = sockets[0].sent.find((f) => f.type === "auth");
  assert.ok(auth, "an auth frame before the token expired");
  assert.equal(auth.token, "token-2");
  sockets[0].serverSends({ type: "ack", id: auth.id, expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  await tick(50);
  assert.equal(sockets[0].sent.filter((f) => f.type === "auth").length, 1, "the next refresh waits for the new expiry");
  assert.equal(c.state, "open");
  c.close();
});

test("after a 4101 (token expired) it reconnects at once with getToken, and stops without", async () => {
  const renewing = await client({ token: undefined, getToken: async () => "fresh" });
  renewing.sockets[0].serverOpens();
  renewing.sockets[0].serverCloses(4101, "token expired");
  assert.deepEqual(renewing.events.filter((e) => e.type === "reconnecting").map((e) => e.detail.delayMs), [0]);
  renewing.c.close();

  const fixed = await client();
  fixed.sockets[0].serverOpens();
  fixed.sockets[0].serverCloses(4101, "token expired");
  assert.equal(fixed.c.state, "closed");
  assert.deepEqual(fixed.events.filter((e) => e.type === "reconnecting"), []);
});
