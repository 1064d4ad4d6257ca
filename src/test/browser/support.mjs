// Shared set-up of the browser tests: the node under test (started by BrowserE2E), Debian's chromium
// driven by playwright-core, the backend API, a TCP proxy that can go silent, screenshots on failure.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export const BASE_URL = process.env.SWITCHBOARD_URL || "http://127.0.0.1:8080/";
const API_KEY = process.env.SWITCHBOARD_API_KEY || "secret";
const SCREENSHOTS = process.env.SCREENSHOT_DIR || "target/browser-screenshots";

/** Debian's chromium, headless, without the background traffic this closed network refuses. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/** A user name no other test (or earlier run against the same node) uses. */
export function unique(name) {
  return name + "-" + Math.random().toString(36).slice(2, 8);
}

/** Calls the backend HTTP API with the API key; returns {status, body}. */
export async function api(method, apiPath, body) {
  const response = await fetch(new URL(apiPath, BASE_URL), {
    method,
    headers: { "X-Api-Key": API_KEY, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/**
 * Runs `body(open)` where `open(name)` gives a new page in a fresh browser context (one browser
 * profile per user); on failure every page still open is saved as a screenshot named after the test.
 */
export async function withPages(t, browser, body) {
  const contexts = [];
  const pages = [];
  const open = async (context) => {
    const ctx = context || await browser.newContext();
    if (!context) contexts.push(ctx);
    const page = await ctx.newPage();
    page.on("pageerror", (e) => console.log("[page error] " + e.message));
    pages.push(page);
    return page;
  };
  try {
    await body(open);
  } catch (e) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    let n = 0;
    for (const page of pages) {
      if (!page.isClosed()) {
        const file = path.join(SCREENSHOTS, t.name.replace(/\W+/g, "-") + "-" + (n++) + ".png");
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        console.log("screenshot: " + file);
      }
    }
    throw e;
  } finally {
    for (const ctx of contexts) await ctx.close().catch(() => {});
  }
}

/**
 * A loopback TCP proxy to the node. `freeze()` makes every WebSocket connection open now silent in both
 * directions without closing it (a dead network path, as after a laptop sleeps); new connections, and
 * the browser's pooled HTTP ones, keep working. `webSocketBytes()` counts what the wire carried.
 */
export async function startProxy(target = new URL(BASE_URL)) {
  const live = new Set();
  const webSocketBytes = { up: 0, down: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const link = { client, upstream, frozen: false, websocket: null };
    live.add(link);
    client.on("data", (d) => {
      if (link.websocket === null) link.websocket = /^upgrade:\s*websocket/im.test(d.toString("latin1"));
      if (link.frozen) return;
      if (link.websocket) webSocketBytes.up += d.length;
      upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (link.frozen) return;
      if (link.websocket) webSocketBytes.down += d.length;
      client.write(d);
    });
    const end = () => { live.delete(link); client.destroy(); upstream.destroy(); };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: "http://127.0.0.1:" + server.address().port + "/",
    /** Bytes WebSocket connections carried so far, up to the node and down from it (handshakes included). */
    webSocketBytes: () => ({ ...webSocketBytes }),
    freeze() {
      let frozen = 0;
      for (const link of live) {
        if (link.websocket) {
          link.frozen = true;
          frozen++;
        }
      }
      return frozen;
    },
    close() {
      for (const link of live) { link.client.destroy(); link.upstream.destroy(); }
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signs in on the demo page and waits until the client is connected. */
export async function signIn(page, name, baseUrl = BASE_URL) {
  await page.goto(baseUrl);
  await page.fill("#name", name);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector('#status[data-state="open"]');
}
