// /switchboard.js itself, imported by a page of the node in real headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { api, BASE_URL, launchBrowser, startProxy, unique, withPages } from "./support.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/**
 * A page of `origin` with the library loaded as `window.sb` and helpers: `window.token(user, ttlSeconds)`
 * (a dev token), `window.client(user, options)` (connects and records every event in `window.events`).
 */
async function libraryPage(open, origin = BASE_URL) {
  const page = await open();
  await page.goto(new URL("switchboard.js", origin).toString());
  await page.evaluate(async () => {
    window.sb = await import("/switchboard.js");
    window.events = [];
    window.token = async (user, ttlSeconds) => {
      const r = await fetch("/api/dev/tokens", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user, ttlSeconds }) });
      return (await r.json()).token;
    };
    window.client = (user, options = {}) => {
      const url = new URL("/ws", location.href);
      url.protocol = "ws:";
      const client = window.sb.connect({ url: url.toString(), getToken: () => window.token(user), ...options });
      for (const type of ["open", "close", "reconnecting", "error", "message", "presence", "joined", "left"]) {
        client.on(type, (detail) => window.events.push({ user, type,
          detail: detail instanceof Error ? { code: detail.code, reason: detail.reason } : detail }));
      }
      return client;
    };
    window.opened = (client) => new Promise((resolve) => {
      if (client.state === "open") resolve(); else client.on("open", () => resolve());
    });
  });
  return page;
}

const events = (page, user, type) => page.evaluate(({ user, type }) =>
  window.events.filter((e) => e.user === user && e.type === type).map((e) => e.detail), { user, type });

async function until(page, user, type, predicate = () => true, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await events(page, user, type)).filter(predicate);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no '${type}' event for ${user} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("the page connects with a single-use ticket: its token never appears in a URL", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    const urls = [];
    page.on("websocket", (ws) => urls.push(ws.url()));
    const alice = unique("alice");
    await page.evaluate(async (alice) => { await window.opened(window.client(alice)); }, alice);
    assert.equal(urls.length, 1);
    const url = new URL(urls[0]);
    assert.equal(url.searchParams.get("ticket").length, 43);
    assert.equal(url.searchParams.get("token"), null);
    const replay = await page.evaluate(async (url) => {
      const socket = new WebSocket(url); // the same ticket again: used up
      return new Promise((resolve) => { socket.onopen = () => resolve("opened"); socket.onerror = () => resolve("refused"); });
    }, urls[0]);
    assert.equal(replay, "refused");
  });
});

test("command promises settle with the server's reply or its error code and reason", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    const alice = unique("alice");
    const result = await page.evaluate(async (alice) => {
      const c = window.client(alice);
      const outcome = async (promise) => promise.then((f) => ({ ok: f.type, f }), (e) => ({ code: e.code, reason: e.reason }));
      const room = "r-" + Math.random().toString(36).slice(2);
      const joined = await outcome(c.join(room)); // issued before the connection opened: waits for it
      const published = await outcome(c.publish(room, { n: 1 }));
      const listed = await outcome(c.listRooms({ after: room.slice(0, -1), limit: 100 }));
      const notMember = await outcome(c.leave("never-joined"));
      const badRoom = await outcome(c.join("no spaces allowed"));
      const pong = await outcome(c.ping());
      const sent = await outcome(c.send(["nobody-" + room], "hi"));
      c.close();
      const afterClose = await outcome(c.ping());
      return { joined, published, listed, notMember, badRoom, pong, sent, afterClose, rooms: c.joinedRooms().map((r) => r.room) };
    }, alice);
    assert.equal(result.joined.ok, "joined");
    assert.equal(result.joined.f.members, 1);
    assert.equal(result.published.ok, "ack");
    assert.equal(result.published.f.delivered, 1);
    assert.equal(result.listed.ok, "rooms");
    assert.deepEqual(result.listed.f.rooms.find((r) => r.room === result.joined.f.room), { room: result.joined.f.room, members: 1 });
    assert.deepEqual(result.notMember, { code: 404, reason: "not-member" });
    assert.deepEqual(result.badRoom, { code: 400, reason: "invalid-room" });
    assert.equal(result.pong.ok, "pong");
    assert.equal(result.sent.ok, "ack");
    assert.equal(result.sent.f.offline.length, 0);
    assert.equal(result.sent.f.unknown.length, 1, "a user that never connected is unknown: nothing stored for it");
    assert.deepEqual(result.afterClose, { code: "closed", reason: "closed" });
    assert.equal(result.rooms.length, 1, "the refused join is not kept for re-joining");
  });
});

test("a message the node refused as overloaded is sent again after the wait it names, once acknowledged", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    const alice = unique("alice");
    const bob = unique("bob");
    // the proxy plays an overloaded node for alice's first message: it answers for the node and drops it
    const seen = [];
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => { // the client joins the commands of one tick (batch=1): one line each
        for (const line of message.split("\n")) {
          const frame = JSON.parse(line);
          if (frame.type === "message") {
            seen.push(frame);
            if (seen.length === 1) {
              ws.send(JSON.stringify({ type: "error", code: 503, reason: "overloaded", message: "busy", retryAfterMs: 300, id: frame.id }));
              continue;
            }
          }
          server.send(line);
        }
      });
    });
    const result = await page.evaluate(async ({ alice, bob }) => {
      const receiver = window.client(bob);
      await window.opened(receiver);
      const sender = window.client(alice);
      await window.opened(sender);
      const started = Date.now();
      const ack = await sender.send([bob], "once");
      return { ack, waitedMs: Date.now() - started };
    }, { alice, bob });
    assert.equal(result.ack.type, "ack");
    assert.equal(result.ack.delivered[bob], 1);
    assert.ok(result.waitedMs >= 300, "waited as told: " + result.waitedMs);
    assert.equal(seen.length, 2, "sent twice: refused, then taken");
    assert.deepEqual(seen[1], seen[0], "the same command, same id");
    await until(page, bob, "message", (m) => m.content === "once");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await events(page, bob, "message")).filter((m) => m.content === "once").length, 1, "delivered once");
  });
});

test("a refused token ends the client without reconnecting; getToken gets exactly one more try", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    await page.evaluate(() => {
      const url = new URL("/ws", location.href);
      url.protocol = "ws:";
      window.staticClient = window.sb.connect({ url: url.toString(), token: "not.a.jwt" });
      window.staticClient.on("error", (e) => window.events.push({ user: "static", type: "error", detail: { code: e.code, reason: e.reason } }));
      window.staticClient.on("reconnecting", (e) => window.events.push({ user: "static", type: "reconnecting", detail: e }));
      window.tokensAsked = 0;
      window.refreshingClient = window.sb.connect({ url: url.toString(), getToken: async () => { window.tokensAsked++; return "expired.or.bad"; } });
      window.refreshingClient.on("error", (e) => window.events.push({ user: "refreshing", type: "error", detail: { code: e.code, reason: e.reason } }));
    });
    assert.deepEqual(await until(page, "static", "error"), [{ code: 401, reason: "unauthorized" }]);
    assert.deepEqual(await until(page, "refreshing", "error"), [{ code: 401, reason: "unauthorized" }]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await events(page, "static", "reconnecting"), []);
    assert.equal(await page.evaluate(() => window.tokensAsked), 2);
    assert.deepEqual(await page.evaluate(() => [window.staticClient.state, window.refreshingClient.state]), ["closed", "closed"]);
  });
});

test("after a forced reconnect the client re-joins its rooms; after a sign-out it stays away", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    const alice = unique("alice");
    const bob = unique("bob");
    const room = unique("room");
    await page.evaluate(async ({ alice, bob, room }) => {
      window.alice = window.client(alice);
      window.bob = window.client(bob);
      await window.alice.join(room);
      await window.bob.join(room);
    }, { alice, bob, room });

    assert.equal((await api("DELETE", `api/users/${alice}/connections`)).body.disconnected, 1);
    const rejoined = await until(page, alice, "joined", (j) => j.room === room && j.members === 2);
    assert.ok(rejoined.length >= 1);
    assert.deepEqual((await events(page, alice, "close")).map((c) => [c.code, c.reconnect]), [[4002, true]]);
    await page.evaluate(({ room }) => window.bob.publish(room, "after the reconnect"), { room });
    await until(page, alice, "message", (m) => m.room === room && m.content === "after the reconnect");

    assert.equal((await api("DELETE", `api/users/${alice}/connections?reconnect=false`)).body.disconnected, 1);
    assert.deepEqual(await until(page, alice, "error"), [{ code: 4100, reason: "signed-out" }]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.evaluate(() => window.alice.state), "closed");
    assert.equal((await api("GET", `api/users/${alice}/presence`)).body.connections, 0);
  });
});

test("the watchdog replaces a connection that went silent and the client resumes what it missed", async (t) => {
  const proxy = await startProxy();
  try {
    await withPages(t, browser, async (open) => {
      const page = await libraryPage(open, proxy.url);
      const alice = unique("alice");
      await page.evaluate(async (alice) => {
        window.alice = window.client(alice, { pingIntervalMs: 500, pongTimeoutMs: 1000 });
        await window.opened(window.alice);
      }, alice);
      assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "before" })).status, 200);
      await until(page, alice, "message", (m) => m.content === "before");

      assert.ok(proxy.freeze() >= 1, "the client's connection goes silent");
      assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "during" })).status, 200);
      const closes = await until(page, alice, "close", () => true, 10000);
      assert.deepEqual(closes.map((c) => [c.code, c.reconnect]), [[4090, true]]);
      await until(page, alice, "message", (m) => m.content === "during", 10000);
      assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "after" })).status, 200);
      await until(page, alice, "message", (m) => m.content === "after");
      assert.deepEqual((await events(page, alice, "message")).map((m) => m.content), ["before", "during", "after"]);
      assert.equal((await events(page, alice, "open")).length, 2);
    });
  } finally {
    await proxy.close();
  }
});

test("when the server cannot replay stored messages the client never moves past the gap and resumes later", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    const alice = unique("alice");
    // the second connection plays a node whose Redis is unreachable: its welcome says stored "unavailable"
    // and it replays nothing; the first and third go to the node untouched
    let connections = 0;
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      const number = ++connections;
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (number !== 2) {
          ws.send(message);
          return;
        }
        for (const line of message.split("\n")) { // the node may join queued frames (batch=1): one line each
          const frame = JSON.parse(line);
          if (frame.type === "welcome") {
            ws.send(JSON.stringify({ ...frame, stored: "unavailable" }));
          } else if (!(frame.type === "message" && frame.content === "missed")) { // the replay that could not happen
            ws.send(line);
          }
        }
      });
    });
    await page.evaluate(async (alice) => {
      window.alice = window.client(alice, { minDelayMs: 1000, maxDelayMs: 2000 });
      await window.opened(window.alice);
    }, alice);
    assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "before" })).status, 200);
    await until(page, alice, "message", (m) => m.content === "before");

    assert.equal((await api("DELETE", `api/users/${alice}/connections`)).body.disconnected, 1);
    await until(page, alice, "close", (c) => c.code === 4002);
    // stored while alice is away: the (played) next node cannot replay it
    assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "missed" })).status, 200);
    await until(page, alice, "open", (o) => o.stored === "unavailable");
    assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "live" })).status, 200);
    // handed over live (a stored id after the gap), then the client reconnects by itself (4091, after a
    // backoff of 1-2 s) and resumes from before the gap: "missed" comes, "live" is not handed over again
    await until(page, alice, "message", (m) => m.content === "missed", 15000);
    assert.deepEqual((await events(page, alice, "close")).map((c) => c.code), [4002, 4091]);
    assert.equal((await api("POST", "api/messages", { from: "svc", to: [alice], content: "after" })).status, 200);
    await until(page, alice, "message", (m) => m.content === "after");
    const got = (await events(page, alice, "message")).map((m) => m.content);
    assert.deepEqual([...got].sort(), ["after", "before", "live", "missed"], "each once, none lost: " + got);
    assert.deepEqual([got[0], got[3]], ["before", "after"]);
    assert.equal(connections, 3);
  });
});

test("a connection outlives its short-lived tokens by refreshing them in-band", async (t) => {
  await withPages(t, browser, async (open) => {
    const page = await libraryPage(open);
    const alice = unique("alice");
    await page.evaluate(async (alice) => {
      window.tokensAsked = 0;
      window.alice = window.client(alice, { getToken: () => { window.tokensAsked++; return window.token(alice, 3); } });
      await window.opened(window.alice);
    }, alice);
    // the node closes a connection 1 s after its token expired (SWITCHBOARD_AUTH_EXPIRY_GRACE_MS in BrowserE2E)
    await new Promise((r) => setTimeout(r, 7000));
    assert.deepEqual(await events(page, alice, "close"), []);
    assert.equal((await events(page, alice, "open")).length, 1, "one connection all along");
    assert.ok(await page.evaluate(() => window.tokensAsked) >= 3, "a new token before each expiry");
    assert.equal(await page.evaluate(async () => (await window.alice.ping()).type), "pong");
  });
});

test("the browser negotiates permessage-deflate and large messages cross the wire compressed both ways", async (t) => {
  const proxy = await startProxy();
  try {
    await withPages(t, browser, async (open) => {
      const page = await libraryPage(open, proxy.url);
      const alice = unique("alice");
      const bob = unique("bob");
      const negotiated = await page.evaluate(async (alice) => {
        const url = new URL("/ws", location.href);
        url.protocol = "ws:";
        url.searchParams.set("token", await window.token(alice));
        const ws = new WebSocket(url);
        await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
        ws.close();
        return ws.extensions;
      }, alice);
      assert.equal(negotiated, "permessage-deflate; server_no_context_takeover; client_no_context_takeover");

      await page.evaluate(async ({ alice, bob }) => {
        window.alice = window.client(alice);
        window.bob = window.client(bob);
        await Promise.all([window.opened(window.alice), window.opened(window.bob)]);
      }, { alice, bob });
      // a dashboard update: 100 quote rows, some 8 KB of JSON
      const rows = Array.from({ length: 100 }, (_, i) => ({ symbol: "ACME", bid: 101.25 + i / 100, ask: 101.5,
        volume: 3000 + i, venue: "XNAS" }));
      const raw = JSON.stringify(rows).length;
      const down = proxy.webSocketBytes().down;
      for (let i = 0; i < 10; i++) {
        assert.equal((await api("POST", "api/messages", { from: "feed", to: [alice], content: { i, rows } })).status, 200);
      }
      const deadline = Date.now() + 15000;
      let received;
      while ((received = await events(page, alice, "message")).length < 10) {
        if (Date.now() > deadline) throw new Error(`only ${received.length} of 10 updates arrived`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(received.map((m) => m.content.i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(received[9].content.rows, rows);
      const wireDown = proxy.webSocketBytes().down - down;
      assert.ok(wireDown < (10 * raw) / 3, `10 updates of ${raw} bytes took ${wireDown} bytes on the wire`);

      // the browser compresses what it sends; the node inflates it
      const up = proxy.webSocketBytes().up;
      const reply = await page.evaluate(async ({ bob, rows }) => (await window.alice.send([bob], { rows })).type,
        { bob, rows });
      assert.equal(reply, "ack");
      const [toBob] = await until(page, bob, "message");
      assert.deepEqual(toBob.content.rows, rows);
      const wireUp = proxy.webSocketBytes().up - up;
      assert.ok(wireUp < raw / 3, `a ${raw}-byte message took ${wireUp} bytes up`);
    });
  } finally {
    await proxy.close();
  }
});
