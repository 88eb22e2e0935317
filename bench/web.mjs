// The web apps' performance: production builds served by `next start`, Lighthouse (npm) in
// Debian's Chromium, the trading page's first-load JavaScript, and the browser journey's time.
//
//   node bench/web.mjs [--skip-build] [--skip-journey]      (from the repository root)
//
// - Builds: `npm run build` in web/ (both apps), unless --skip-build.
// - Serving: `next start` of each build on a free loopback port (the server process itself,
//   stopped by its pid afterwards), its runtime file written by the stack's own code
//   (gridtokenx.stack.services.web.write_runtime_file) for the running stack's chain and gateway.
// - Lighthouse: the `lighthouse` package from npm, performance category, in /usr/bin/chromium
//   (installed with apt by the stack's helper when missing; never a downloaded browser); median
//   of RUNS runs. The summary line has the default config (mobile emulation, simulated slow 4G,
//   4× CPU slowdown); the desktop config's scores are printed too. The pages talk to the running
//   stack's chain and gateway (as `gridtokenx stack up` serves them).
// - first_load_js_kb: the JavaScript the trading page's prerendered HTML loads (its <script src>
//   chunks, i.e. the chunks `next build` assigns to the route as first load), each gzipped at
//   level 9, summed, in KiB. The nomodule polyfill (never fetched by a module-capable browser)
//   is excluded from the figure and printed separately; chunks loaded later by dynamic imports
//   are not first load.
// - journey_s: the pytest "call" duration of issue 9's browser journey
//   tests/web/test_browser.py::test_the_platform_journey_across_both_apps (a prosumer requests a
//   meter on the energy page, the operator approves it in the admin app, its signed readings are
//   minted and shown, the prosumer sells and a second browser profile buys, both see the trade
//   settle and their balances change, the grid map shows the meter and the zones; each phase a
//   new Chromium), without its fixture setup (private chain and services, gateway, apps).
//
// Last line: web trading_perf=<n> admin_perf=<n> first_load_js_kb=<n> journey_s=<n>
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, hostname, arch } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/web/browser/chromium.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WEB = join(ROOT, "web");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const RUNS = 3;
const JOURNEY_TEST = "tests/web/test_browser.py::test_the_platform_journey_across_both_apps";
const args = new Set(process.argv.slice(2));
const require = createRequire(join(WEB, "package.json"));
const { default: lighthouse, desktopConfig } = await import(require.resolve("lighthouse"));
const chromeLauncher = await import(createRequire(require.resolve("lighthouse")).resolve("chrome-launcher"));

function run(argv, options = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${argv.join(" ")} failed (${result.status}): ${(result.stderr || result.stdout).slice(-3000)}`);
  }
  return result.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return;
  run([PYTHON, "-c", "from gridtokenx.stack.system import ensure_packages; ensure_packages(['chromium'])"], { cwd: ROOT });
}

function writeRuntimeFile(path) {
  run(
    [
      PYTHON,
      "-c",
      "import sys; from pathlib import Path; from gridtokenx.config import get_settings; " +
        "from gridtokenx.stack.services.web import write_runtime_file; " +
        "write_runtime_file(get_settings(), Path(sys.argv[1]))",
      path,
    ],
    { cwd: ROOT },
  );
}

async function served(app, runtimeFile) {
  const port = await freePort();
  const server = spawn(process.execPath, [join(WEB, "node_modules", "next", "dist", "bin", "next"), "start", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: join(WEB, app),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", GRIDTOKENX_WEB_RUNTIME_FILE: runtimeFile },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`next start of ${app} exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, stop: () => new Promise((resolve) => (server.exitCode !== null ? resolve() : (server.once("exit", resolve), server.kill("SIGTERM")))) };
}

const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];

/** Median Lighthouse performance score of RUNS runs; `config` undefined: the default (mobile). */
async function lighthouseScores(url, config) {
  const scores = [];
  const metrics = [];
  for (let index = 0; index < RUNS; index += 1) {
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_FLAGS });
    try {
      const flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] };
      const result = await lighthouse(url, flags, config);
      const { lhr } = result;
      if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      scores.push(Math.round(lhr.categories.performance.score * 100));
      const audit = (id) => lhr.audits[id]?.numericValue ?? NaN;
      metrics.push({ fcp: audit("first-contentful-paint"), lcp: audit("largest-contentful-paint"), tbt: audit("total-blocking-time"), cls: audit("cumulative-layout-shift"), si: audit("speed-index") });
    } finally {
      await chrome.kill();
    }
  }
  return { score: median(scores), scores, metrics };
}

/** The trading page's first-load JavaScript: see the header. */
function firstLoadJs() {
  const next = join(WEB, "trading", ".next");
  const html = readFileSync(join(next, "server", "app", "index.html"), "utf8");
  const chunks = [];
  let polyfillBytes = 0;
  const seen = new Set();
  for (const match of html.matchAll(/<script([^>]*)src="([^"]+)"([^>]*)>/g)) {
    const source = match[2];
    if (seen.has(source) || !source.startsWith("/_next/static/")) continue;
    seen.add(source);
    const bytes = readFileSync(join(next, "static", source.slice("/_next/static/".length)));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    if (/nomodule/i.test(match[1] + match[3])) polyfillBytes += gzip;
    else chunks.push({ source, raw: bytes.length, gzip });
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.gzip, 0);
  return { kb: total / 1024, chunks, polyfillKb: polyfillBytes / 1024 };
}

function journeySeconds() {
  const output = run([join(ROOT, ".venv", "bin", "pytest"), JOURNEY_TEST, "-q", "-p", "no:cacheprovider", "--durations=0", "--durations-min=0"], { cwd: ROOT });
  const line = output.split("\n").find((text) => / call /.test(text) && text.includes(JOURNEY_TEST.split("::")[1]));
  if (!line) throw new Error(`no call duration in the pytest output:\n${output.slice(-2000)}`);
  return Number.parseFloat(line.trim().split(/s\s/)[0]);
}

const log = (text) => process.stdout.write(`${text}\n`);
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

log(`$ node bench/web.mjs ${[...args].join(" ")}`.trim());
log(`date: ${new Date().toISOString()}`);
log(`machine: ${hostname()} (${cpus().length} cores, ${arch()}, ${cpus()[0]?.model ?? "cpu"}), Node ${process.version}`);
log(`load average at the start: ${loadavg().map((value) => value.toFixed(2)).join(", ")} (1, 5, 15 min)`);

ensureChromium();
log(`chromium: ${run([CHROMIUM_PATH, "--version"]).trim()} (${CHROMIUM_PATH}); lighthouse ${require("lighthouse/package.json").version}`);
if (!args.has("--skip-build")) {
  const started = Date.now();
  run(["npm", "run", "build"], { cwd: WEB, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  log(`npm run build (trading, admin): ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const firstLoad = firstLoadJs();
for (const chunk of firstLoad.chunks) log(`  first load ${chunk.source}: ${chunk.raw} B, ${(chunk.gzip / 1024).toFixed(1)} KiB gzip`);
log(`trading first-load JS: ${fixed(firstLoad.kb)} KiB gzip (level 9) in ${firstLoad.chunks.length} chunks; nomodule polyfill ${fixed(firstLoad.polyfillKb)} KiB more (not fetched by modern browsers)`);

const folder = mkdtempSync(join(tmpdir(), "gridtokenx-bench-web-"));
const perf = {};
const desktop = {};
try {
  const runtimeFile = join(folder, "runtime.json");
  writeRuntimeFile(runtimeFile);
  for (const app of ["trading", "admin"]) {
    const server = await served(app, runtimeFile);
    try {
      for (const [name, config, into] of [["mobile (default config)", undefined, perf], ["desktop (lighthouse desktopConfig)", desktopConfig, desktop]]) {
        const result = await lighthouseScores(server.url, config);
        into[app] = result.score;
        log(`${app} ${server.url} ${name}: Lighthouse performance ${result.scores.join(", ")} → median ${result.score}`);
        for (const metric of result.metrics) {
          log(`  FCP ${fixed(metric.fcp, 0)} ms, LCP ${fixed(metric.lcp, 0)} ms, TBT ${fixed(metric.tbt, 0)} ms, CLS ${fixed(metric.cls, 3)}, SI ${fixed(metric.si, 0)} ms`);
        }
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

let journey = NaN;
if (!args.has("--skip-journey")) {
  journey = journeySeconds();
  log(`journey: ${fixed(journey, 2)} s (pytest call duration of ${JOURNEY_TEST})`);
}
log(`desktop config (not in the summary line): trading ${desktop.trading}, admin ${desktop.admin}`);
log(`load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(", ")} (1, 5, 15 min)`);
log(`web trading_perf=${perf.trading} admin_perf=${perf.admin} first_load_js_kb=${fixed(firstLoad.kb)} journey_s=${fixed(journey, 2)}`);
