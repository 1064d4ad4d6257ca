// The demo chat in real headless Chromium: two people in two browser profiles.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { api, launchBrowser, signIn, unique, withPages } from "./support.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Texts of the messages (not notices) in the conversation shown now. */
const messagesShown = (page) => page.$$eval("#log li:not(.notice) .text", (items) => items.map((i) => i.textContent));

/** Alice and Bob (unique names), each signed in on a page of their own browser profile. */
async function twoSignedIn(open) {
  const alice = unique("alice");
  const bob = unique("bob");
  const pageA = await open();
  const pageB = await open();
  await signIn(pageA, alice);
  await signIn(pageB, bob);
  return { alice, bob, pageA, pageB };
}

async function send(page, text) {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
}

test("people find and join a room, see each other arrive and leave, and talk there and directly", async (t) => {
  await withPages(t, browser, async (open) => {
    const { alice, bob, pageA, pageB } = await twoSignedIn(open);
    const room = unique("room");

    await pageA.waitForSelector(`#users li[data-user="${bob}"]`);
    await pageA.waitForSelector(`#log li.notice >> text=${bob} joined`);

    for (const page of [pageA, pageB]) {
      await page.fill("#room-name", room);
      await page.click("#join-room button");
    }
    await pageA.waitForSelector(`#rooms li[data-room="${room}"] .count >> text=2`);
    await pageA.waitForSelector(`#log li.notice >> text=${bob} joined (2 here)`);

    await send(pageA, "hello room");
    await pageB.waitForSelector("#log li .text >> text=hello room");
    await send(pageB, "hi alice, from the room");
    await pageA.waitForSelector("#log li .text >> text=hi alice, from the room");
    assert.deepEqual(await messagesShown(pageA), ["hello room", "hi alice, from the room"]);

    await pageA.click(`#users li[data-user="${bob}"]`);
    await send(pageA, "just for you");
    await pageA.waitForSelector("#log li.mine .text >> text=just for you");
    await pageB.waitForSelector(`#users li[data-user="${alice}"] .unread >> text=1`);
    await pageB.click(`#users li[data-user="${alice}"]`);
    assert.deepEqual(await messagesShown(pageB), ["just for you"]);

    const carol = unique("carol");
    const pageC = await open();
    await signIn(pageC, carol);
    await pageC.waitForSelector(`#rooms li.not-joined[data-room="${room}"] .count >> text=2`);
    await pageC.click(`#rooms li[data-room="${room}"]`);
    await pageC.waitForSelector(`#rooms li:not(.not-joined)[data-room="${room}"] .count >> text=3`);
    await pageC.waitForSelector("#log li .text >> text=hello room"); // the room's history
    await pageA.waitForSelector(`#rooms li[data-room="${room}"] .count >> text=3`);

    await pageB.close();
    await pageA.click(`#rooms li[data-room="${room}"]`);
    await pageA.waitForSelector(`#log li.notice >> text=${bob} left (2 here)`);
    await pageA.waitForSelector(`#rooms li[data-room="${room}"] .count >> text=2`);
  });
});

test("messages sent while someone is away are there when they come back", async (t) => {
  await withPages(t, browser, async (open) => {
    const { alice, bob, pageA, pageB } = await twoSignedIn(open);
    await pageA.click(`#users li[data-user="${bob}"]`);
    await pageB.close();
    await pageA.waitForSelector(`#users li[data-user="${bob}"] .count >> text=offline`);

    for (const text of ["first while away", "second while away", "third while away"]) {
      await send(pageA, text);
      await pageA.waitForSelector(`#log li.mine .text >> text=${text}`);
    }

    const back = await open(pageB.context()); // same browser profile, so the same device
    await signIn(back, bob);
    await back.waitForSelector(`#users li[data-user="${alice}"] .unread >> text=3`);
    await back.click(`#users li[data-user="${alice}"]`);
    assert.deepEqual(await messagesShown(back), ["first while away", "second while away", "third while away"]);
  });
});

test("a forced disconnect makes the client reconnect and resume without losing a message", async (t) => {
  await withPages(t, browser, async (open) => {
    const { alice, bob, pageA, pageB } = await twoSignedIn(open);
    await pageB.click(`#users li[data-user="${alice}"]`);
    await pageB.evaluate(() => {
      window.closes = [];
      window.switchboard.on("close", (e) => window.closes.push(e.code));
    });

    const count = 60;
    const stream = pageA.evaluate(async ({ to, count }) => {
      for (let i = 0; i < count; i++) {
        await window.switchboard.send([to], { text: "n" + i });
        await new Promise((r) => setTimeout(r, 20));
      }
    }, { to: bob, count });
    await pageB.waitForSelector("#log li .text >> text=n10");
    const disconnected = await api("DELETE", `api/users/${bob}/connections`);
    assert.equal(disconnected.status, 200);
    assert.equal(disconnected.body.disconnected, 1);
    await stream;

    await pageB.waitForSelector(`#log li .text >> text=n${count - 1}`);
    assert.deepEqual(await messagesShown(pageB), Array.from({ length: count }, (_, i) => "n" + i));
    assert.deepEqual(await pageB.evaluate(() => window.closes), [4002]);
    await pageB.waitForSelector('#status[data-state="open"]');
  });
});
