// What permessage-deflate costs and saves (run by run-bench.sh --deflate against a node with deflate on).
// For each message size, two scenarios run twice each over the same number of connections: once with
// clients that do not offer deflate, once with clients that do (the `ws` library, as browsers do).
//   broadcast: the backend broadcasts updates to every connection (one message, many deliveries);
//   direct:    every client sends its own messages to the next client over its socket (each message
//              unique: inflated once on the way in when compressed, compressed once on the way out).
// Reported per delivery: the node's CPU (user+system from /proc, so the whole JVM), bytes the clients
// read from their sockets (frame headers, acks and welcomes included) and the clients' own CPU.
import { readFileSync } from "node:fs";
import WebSocket from "ws";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const base = new URL(args.url ?? "http://127.0.0.1:8080/");
const apiKey = args["api-key"] ?? "bench-key";
const pid = args.pid;
const connections = Number(args.connections ?? 200);
const messages = Number(args.messages ?? 100);
const sizes = (args.sizes ?? "300,2000,8000").split(",").map(Number);
const scenarios = (args.scenarios ?? "broadcast,direct").split(",");

function serverCpuMs() {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // 100 ticks per second
}

async function post(path, body) {
  const response = await fetch(new URL(path, base), { method: "POST",
    headers: { "Content-Type": "application/json", "X-Api-Key": apiKey }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Rows of quotes making some `bytes` bytes of JSON: a dashboard update. */
function quoteRows(bytes) {
  const rows = [];
  for (let i = 0; JSON.stringify(rows).length < bytes - 60; i++) {
    rows.push({ s: "SYM" + ((i * 7) % 500), b: +(100 + ((i * 17) % 1000) / 100).toFixed(2),
      a: +(100.5 + ((i * 11) % 1000) / 100).toFixed(2), v: 1000 + ((i * 37) % 9000) });
  }
  return rows;
}

/** Update `n`: the rows with a different first price, so no two updates are the same bytes. */
function update(rows, n) {
  return { n, rows: [{ ...rows[0], b: n / 100 }, ...rows.slice(1)] };
}

async function openClients(deflate) {
  const clients = [];
  for (let i = 0; i < connections; i++) {
    const user = `bench-${deflate ? "z" : "p"}-${i}`;
    const { token } = await post("api/dev/tokens", { user });
    const url = new URL("ws", base);
    url.protocol = "ws:";
    url.searchParams.set("token", token);
    const ws = new WebSocket(url, { perMessageDeflate: deflate });
    const client = { ws, user, received: 0 };
    ws.on("close", (code, reason) => { if (!client.done) failures.push(`${user} closed with ${code} ${reason}`); });
    ws.on("error", (error) => failures.push(`${user}: ${error.message}`));
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith("{\"type\":\"broadcast\"") || text.startsWith("{\"type\":\"message\"")) client.received++;
    });
    await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("close", reject); });
    if (deflate !== (ws.extensions.length > 0)) throw new Error(`deflate ${deflate} but negotiated '${ws.extensions}'`);
    clients.push(client);
  }
  return clients;
}

const received = (clients) => clients.reduce((sum, c) => sum + c.received, 0);
/** Connections the node closed during a run: the run is void (the one client process fell behind). */
const failures = [];
function checkFailures() {
  if (failures.length > 0) throw new Error(`${failures.length} connections closed, e.g. ${failures[0]}`);
}

async function send(scenario, clients, size) {
  const rows = quoteRows(size);
  let raw = 0;
  for (let n = 0; n < messages; n++) {
    if (scenario === "broadcast") {
      const content = update(rows, n);
      raw += JSON.stringify(content).length * connections;
      await post("api/broadcast", { from: "bench", content });
      continue;
    }
    clients.forEach((client, i) => {
      const content = update(rows, n * connections + i);
      raw += JSON.stringify(content).length;
      client.ws.send(JSON.stringify({ type: "message", to: [clients[(i + 1) % connections].user], content }));
    });
    // at most 2 rounds in flight: the one client process must not fall behind reading
    while (received(clients) < (n - 2) * connections) {
      checkFailures();
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  return raw;
}

async function run(scenario, size, deflate) {
  const clients = await openClients(deflate);
  await new Promise((r) => setTimeout(r, 500)); // welcomes in
  const bytesBefore = clients.reduce((sum, c) => sum + c.ws._socket.bytesRead, 0);
  const cpuBefore = serverCpuMs();
  const clientCpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const raw = await send(scenario, clients, size);
  const deliveries = connections * messages;
  const deadline = Date.now() + 120_000;
  while (received(clients) < deliveries) {
    checkFailures();
    if (Date.now() > deadline) throw new Error(`${scenario}: ${deliveries - received(clients)} deliveries missing`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serverCpu = serverCpuMs() - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const wire = clients.reduce((sum, c) => sum + c.ws._socket.bytesRead, 0) - bytesBefore;
  for (const c of clients) {
    c.done = true;
    c.ws.terminate();
  }
  await new Promise((r) => setTimeout(r, 1000)); // closes settle before the next run
  return { content: Math.round(raw / deliveries), perSecond: Math.round(deliveries / seconds),
    nodeCpu: (1000 * serverCpu / deliveries).toFixed(1), wire: Math.round(wire / deliveries),
    clientCpu: ((clientCpu.user + clientCpu.system) / deliveries).toFixed(1) };
}

console.log(`deflate bench: ${connections} connections, ${messages} rounds per run, content sizes ${sizes.join(", ")}`);
console.log("| scenario | content bytes | deflate | deliveries/s | node CPU µs/delivery | wire bytes/delivery | client CPU µs/delivery |");
console.log("|---|---|---|---|---|---|---|");
await run("broadcast", sizes[0], false); // warm-up: JIT, pools
await run("direct", sizes[0], true);
for (const scenario of scenarios) {
  for (const size of sizes) {
    for (const deflate of [false, true]) {
      const r = await run(scenario, size, deflate);
      console.log(`| ${scenario} | ${r.content} | ${deflate ? "on" : "off"} | ${r.perSecond} | ${r.nodeCpu} | `
        + `${r.wire} | ${r.clientCpu} |`);
    }
  }
}
