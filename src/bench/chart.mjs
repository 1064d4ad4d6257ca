#!/usr/bin/env node
// Draws the side-by-side benchmark (../shared/bench compare.sh results, one JSON line per run) as an SVG:
// one panel per headline figure, one bar per target, the better direction named in the panel title.
//   node src/bench/chart.mjs results.jsonl [more.jsonl...] > src/docs/images/compare.svg
// Options: --title "text". A target's last successful run of a scenario counts (as in the harness' ratios.js);
// a run that measured nothing is drawn as "none" rather than as a zero bar.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let title = 'Switchboard beside the Node reference servers';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--title') title = args[++i];
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: chart.mjs [--title T] results.jsonl...');
  process.exit(2);
}

const rows = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
const target = (r) => (r.dialect === 'native' ? 'switchboard' : r.dialect);
const kind = (r) => (r.scenario === 'direct' && r.window ? 'direct-max' : r.scenario);
const last = new Map();
for (const r of rows) if (!r.error) last.set(`${kind(r)}|${target(r)}`, r);

const measured = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const delivered = (r) => (r.delivered > 0 ? r : null);
const panels = [
  ['connect', 'connections/s', 'higher is better', (r) => r.connect && r.connect.rate_per_s],
  ['connect', 'KB RSS per idle connection', 'lower is better', (r) => r.server && r.server.rss_delta_per_conn_kb],
  ['direct', 'direct at a fixed rate: p99 ms', 'lower is better', (r) => delivered(r) && r.latency_ms.p99],
  ['direct-max', 'direct, closed loop: msgs/s', 'higher is better', (r) => delivered(r) && r.throughput_msgs_s],
  ['fanout', 'room fan-out: p99 ms', 'lower is better', (r) => delivered(r) && r.latency_ms.p99],
];
const targets = [['seed', 'ws + ioredis', '#8c8c8c'], ['socketio', 'Socket.IO 4', '#b0b0b0'], ['switchboard', 'Switchboard', '#1f6fb2']];

const panelW = 265;
const panelH = 200;
const top = 60;
const barW = 50;
const gap = 34;
const width = panels.length * panelW + 40;
const height = top + panelH + 40;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
out.push(`<rect width="100%" height="100%" fill="white"/>`);
out.push(`<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
const size = rows.find((r) => r.label)?.label?.replace(/-max$/, '') ?? '';
out.push(`<text x="10" y="40" fill="#555">${esc(`compare.sh ${size}; each target 2 nodes + Redis on one core; ${new Date(rows[0].ts).toISOString().slice(0, 10)}`)}</text>`);
panels.forEach(([scenario, label, better, get], p) => {
  const x0 = 30 + p * panelW;
  const values = targets.map(([t]) => {
    const r = last.get(`${scenario}|${t}`);
    return r ? measured(get(r)) : null;
  });
  const max = Math.max(1e-9, ...values.filter((v) => v !== null));
  out.push(`<text x="${x0}" y="${top}" font-weight="bold">${esc(label)}</text>`);
  out.push(`<text x="${x0}" y="${top + 14}" fill="#555">${esc(better)}</text>`);
  const base = top + panelH;
  out.push(`<line x1="${x0}" y1="${base}" x2="${x0 + 3 * (barW + gap)}" y2="${base}" stroke="#333"/>`);
  targets.forEach(([t, name, colour], i) => {
    const v = values[i];
    const bx = x0 + i * (barW + gap);
    const h = v === null ? 0 : Math.max(1, (v / max) * (panelH - 50));
    if (v === null) {
      out.push(`<text x="${bx + barW / 2}" y="${base - 6}" text-anchor="middle" fill="#a00">none</text>`);
    } else {
      out.push(`<rect x="${bx}" y="${base - h}" width="${barW}" height="${h}" fill="${colour}"/>`);
      out.push(`<text x="${bx + barW / 2}" y="${base - h - 4}" text-anchor="middle">${fmt(v)}</text>`);
      const r = last.get(`${scenario}|${t}`);
      if (scenario !== 'connect' && r && r.lost > 0) {
        out.push(`<text x="${bx + barW / 2}" y="${base - h - 18}" text-anchor="middle" fill="#a00">${r.lost.toLocaleString('en-US')} lost</text>`);
      }
    }
    out.push(`<text x="${bx + barW / 2}" y="${base + 16}" text-anchor="middle" font-size="11">${esc(name)}</text>`);
  });
});
out.push('</svg>');
console.log(out.join('\n'));
