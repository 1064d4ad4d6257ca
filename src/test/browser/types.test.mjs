// The client's TypeScript declarations (switchboard.d.ts): they type-check the demo and a strict TypeScript
// example, they name exactly what the library exports, the node serves them beside the script, and the example,
// compiled, runs in Chromium against the node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BASE_URL, launchBrowser, unique, withPages } from "./support.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WEBAPP = path.join(HERE, "..", "..", "main", "webapp");
const TSC = path.join(HERE, "node_modules", ".bin", "tsc");

function tsc(...args) {
  const run = spawnSync(TSC, args, { cwd: HERE, encoding: "utf8" });
  return { status: run.status, output: (run.stdout || "") + (run.stderr || "") };
}

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("the declarations type-check the demo page's script and a strict TypeScript example", () => {
  const demo = tsc("-p", "typed/tsconfig.demo.json");
  assert.equal(demo.status, 0, "tsc on demo.js:\n" + demo.output);
  const example = tsc("-p", "typed/tsconfig.json");
  assert.equal(example.status, 0, "tsc on typed-example.ts (its @ts-expect-error lines must stay errors):\n" + example.output);
});

test("the declarations name exactly what the library exports and what its classes offer", async () => {
  const library = await import(path.join(WEBAPP, "switchboard.js"));
  const declarations = readFileSync(path.join(WEBAPP, "switchboard.d.ts"), "utf8");
  const declared = [...declarations.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(library).sort(), "exports");
  for (const name of ["SwitchboardClient", "SwitchboardRoom"]) {
    const body = declarations.slice(declarations.indexOf("export declare class " + name));
    const members = body.slice(0, body.indexOf("\n}\n"));
    const declaredMembers = new Set([...members.matchAll(/^ {2}(?:readonly )?(\w+)[<(:]/gm)].map((m) => m[1]));
    const prototype = library[name].prototype;
    const offered = Object.getOwnPropertyNames(prototype).filter((member) => member !== "constructor");
    assert.deepEqual([...declaredMembers].filter((m) => m !== "constructor").sort(), offered.sort(), name + " members");
  }
});

test("the node serves the declarations beside the script", async () => {
  const response = await fetch(new URL("switchboard.d.ts", BASE_URL));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") || "", /^text\/plain/, "readable in a browser, not a download");
  assert.equal(await response.text(), readFileSync(path.join(WEBAPP, "switchboard.d.ts"), "utf8"));
});

test("the typed example runs in Chromium: each room handle hears its own room, off and the returned function remove a listener",
    async (t) => {
  const out = mkdtempSync(path.join(tmpdir(), "typed-example-"));
  const emitted = tsc("-p", "typed/tsconfig.json", "--noEmit", "false", "--outDir", out);
  assert.equal(emitted.status, 0, emitted.output);
  const script = readFileSync(path.join(out, "typed-example.js"), "utf8");
  await withPages(t, browser, async (open) => {
    const page = await open();
    await page.goto(new URL("switchboard.js", BASE_URL).toString());
    await page.addScriptTag({ type: "module", content: script + "\nwindow.typedExample = { roundTrip };" });
    await page.waitForFunction(() => window.typedExample !== undefined);
    const [alice, bob, red, blue] = [unique("alice"), unique("bob"), unique("red"), unique("blue")];
    const result = await page.evaluate(async ({ alice, bob, red, blue }) => {
      const token = async (user) => {
        const r = await fetch("/api/dev/tokens", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ user }) });
        return (await r.json()).token;
      };
      const url = new URL("/ws", location.href);
      url.protocol = "ws:";
      return window.typedExample.roundTrip(url.toString(), token, alice, bob, red, blue);
    }, { alice, bob, red, blue });
    assert.deepEqual(result.heardInRed, ["red 1", "red 2", "red 3, the old call"]);
    assert.deepEqual(result.heardInBlue, ["blue 1"], "nothing after off");
    assert.deepEqual(result.heardAfterOff, [], "the function on returned removed its listener");
    assert.deepEqual(result.heardByClient, ["red 1", "blue 1", "blue 2", "red 2", "red 3, the old call"],
        "the client hears every room");
    assert.equal(result.membersOfRed, 2);
    assert.deepEqual(result.usersOfRed, [alice, bob].sort());
    assert.equal(result.joinedAfterLeave, false);
    assert.deepEqual(result.listedByTheOldCall, [red]);
  });
});
