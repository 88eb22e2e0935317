// WebSocket load client of bench/gateway.py: many subscribers of one channel, delivery timing.
//
// node --experimental-websocket bench/gateway_ws.mjs <ws url> <channel> <connections>
//
// Opens <connections> sockets (Node's built-in WebSocket), subscribes each to <channel>, prints
// "ready" once every socket has its snapshot, then records the arrival time (epoch ms, from
// performance.timeOrigin + performance.now()) and sequence of every update. When a line arrives
// on stdin naming a JSON file {"published": {"<sequence>": <epoch ms>, ...}, "expected": n}, it
// waits until every socket received n updates (or 30 s pass), then prints one JSON line:
// delivered messages, the delivery window, messages per second, latency percentiles
// (arrival - publish, every message), gaps (an update whose "previous" is not the last sequence
// seen by that socket) and sockets closed by the server.
// With GATEWAY_WS_DIAG=<file> it also writes {"<sequence>": <slowest arrival in ms>} there
// (where in a round the latency tail comes from: a stall shows as a jump then a slow decay).
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

const [url, channel, countText] = process.argv.slice(2);
const count = Number(countText);
const origin = performance.timeOrigin;
const capacity = 4_000_000;
const arrivals = new Float64Array(capacity);
const sequences = new Int32Array(capacity);
let received = 0;
let gaps = 0;
let closed = 0;
let snapshots = 0;
const perSocket = new Int32Array(count);
const lastSequence = new Float64Array(count);

function open(index) {
  const socket = new WebSocket(url);
  socket.onopen = () => socket.send(JSON.stringify({ op: "subscribe", channel }));
  socket.onmessage = (event) => {
    const now = origin + performance.now();
    const message = JSON.parse(event.data);
    if (message.type === "update") {
      if (message.previous !== lastSequence[index]) gaps += 1;
      lastSequence[index] = message.sequence;
      if (received < capacity) {
        arrivals[received] = now;
        sequences[received] = message.sequence;
      }
      received += 1;
      perSocket[index] += 1;
    } else if (message.type === "snapshot") {
      lastSequence[index] = message.sequence;
      snapshots += 1;
      if (snapshots === count) console.log("ready");
    }
  };
  socket.onclose = () => {
    closed += 1;
  };
  socket.onerror = () => {};
}

// Open in small batches so the server's accept queue never overflows.
for (let start = 0; start < count; start += 50) {
  for (let index = start; index < Math.min(count, start + 50); index += 1) open(index);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const { published, expected } = JSON.parse(readFileSync(line.trim(), "utf8"));
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    let done = true;
    for (let index = 0; index < count; index += 1) {
      if (perSocket[index] < expected) {
        done = false;
        break;
      }
    }
    if (done) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const kept = Math.min(received, capacity);
  const latencies = new Float64Array(kept);
  let first = Infinity;
  let last = 0;
  let matched = 0;
  for (let i = 0; i < kept; i += 1) {
    const sent = published[sequences[i]];
    if (sent === undefined) continue;
    latencies[matched] = arrivals[i] - sent;
    matched += 1;
    first = Math.min(first, arrivals[i]);
    last = Math.max(last, arrivals[i]);
  }
  const sorted = latencies.subarray(0, matched).sort();
  if (process.env.GATEWAY_WS_DIAG) {
    // Diagnostics: the slowest arrival of each published sequence, in publish order.
    const worst = {};
    for (let i = 0; i < kept; i += 1) {
      const sent = published[sequences[i]];
      if (sent !== undefined) worst[sequences[i]] = Math.max(worst[sequences[i]] ?? 0, arrivals[i] - sent);
    }
    writeFileSync(process.env.GATEWAY_WS_DIAG, JSON.stringify(worst));
  }
  const at = (q) => (matched ? sorted[Math.min(matched - 1, Math.floor(matched * q))] : 0);
  const firstPublish = Math.min(...Object.values(published));
  const window_s = (last - firstPublish) / 1000;
  console.log(
    JSON.stringify({
      delivered: matched,
      expected: expected * count,
      window_s,
      msgs_per_s: matched / window_s,
      p50_ms: at(0.5),
      p99_ms: at(0.99),
      max_ms: matched ? sorted[matched - 1] : 0,
      gaps,
      closed,
    }),
  );
  process.exit(0);
}
