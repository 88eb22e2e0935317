// Drives Debian's Chromium through the trading app's production build (playwright-core, never a
// downloaded browser). Called by tests/web/test_browser.py, one phase per call; the browser
// profile (and so the development wallet's key in localStorage) persists between phases.
//
//   node journey.mjs connect  → {"address": ..., "secretKey": ...}
//   node journey.mjs balances → {"sol": ..., "gxt": ..., "usdc": ..., "orders": [...], "oneUsdcLocalMinor": ...}
//   node journey.mjs live     → {"before": ...} at once, then what the open page shows once
//                               the test wrote EXPECT_FILE and the page caught up
//   node journey.mjs send     → {"signature": [64 bytes]} of TRANSACTION, signed and sent by
//                               the development wallet
//   node journey.mjs order    → signs in with the gateway, reviews and places ORDER ({side, price,
//                               quantity} as typed) → {"signature"} or {"errorCode", "error"},
//                               the page's order rows once they show EXPECT's count, and the
//                               browser's cookies (name, httpOnly, sameSite)
//   node journey.mjs cancel   → signs in, cancels order ORDER.orderId → the rows left
//   node journey.mjs map      → {"paintedPixels": ..., "sampledPixels": ...}
//   node journey.mjs cluster  → where the development wallet is offered (CUSTOM_RPC_URL)
//   node journey.mjs shell    → the title and headings of the page at PAGE_PATH
//   node journey.mjs market   → {"before": ...} what the market panels show once they match
//                               EXPECT, then what they show once they match EXPECT_FILE
//                               (book levels, tape, candle count, 24-hour stats, feed states)
//   node journey.mjs reload   → signs in, reloads the page → whether the session came back
//                               without a click, and whether its access token is in storage
//   node journey.mjs restored → a new browser on the same profile: signed in without a click?
//   node journey.mjs feedfaults → like `market`, through a WebSocket route in the page: once the
//                               panels match EXPECT, the next book update from the gateway is
//                               dropped (the page must resync), and once they match
//                               EXPECT_FILE the socket is closed (the page must show "stale",
//                               reconnect and be live again) → what it sent and showed
//   node journey.mjs history  → my fills and settlements once EXPECT.tradeId shows as settled
//   node journey.mjs energy   → the energy page's meters (signed in), and what its production
//                               and mint cards show
//
// Environment: GRIDTOKENX_WEB_DIR (the npm workspace), APP_URL, PROFILE_DIR, ARTIFACT_DIR,
// EXPECT (JSON, for `balances`: wait until the page shows these base units), CUSTOM_RPC_URL,
// PAGE_PATH, EXPECT_FILE, TRANSACTION, ORDER (JSON).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

import { TIMEOUT_MS, launchRecorded } from "./chromium.mjs";

const require = createRequire(join(process.env.GRIDTOKENX_WEB_DIR, "package.json"));
const { chromium } = require("playwright-core");

const appUrl = process.env.APP_URL;
const artifacts = process.env.ARTIFACT_DIR;

async function connect(page) {
  await page.goto(appUrl);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: /Development wallet/ }).click();
  const address = page.getByTestId("wallet-address");
  await address.waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-connected.png"), fullPage: true });
  return {
    address: await address.getAttribute("data-address"),
    secretKey: await page.evaluate(() => window.localStorage.getItem("gridtokenx.devWallet.secretKey")),
  };
}

async function shownBalances(page) {
  const units = (name) => page.getByTestId(`balance-${name}`).getAttribute("data-base-units");
  return {
    sol: await units("sol"),
    gxt: await units("gxt"),
    usdc: await units("usdc"),
    orders: await page.getByTestId("order-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-order-id"))),
    oneUsdcLocalMinor: await page.getByTestId("oracle-value").getAttribute("data-local-minor"),
  };
}

/** Wait until the page shows `want` (base units, order count, local value); no reload. */
async function convergeOn(page, want) {
  await page
    .waitForFunction(
      (want) =>
        ["sol", "gxt", "usdc"].every(
          (name) => document.querySelector(`[data-testid=balance-${name}]`)?.getAttribute("data-base-units") === want[name],
        ) &&
        document.querySelectorAll("[data-testid=order-row]").length === want.orders &&
        document.querySelector("[data-testid=oracle-value]")?.getAttribute("data-local-minor") === want.oneUsdcLocalMinor,
      want,
      { timeout: TIMEOUT_MS },
    )
    .catch(() => undefined);
}

async function openTradingPage(page) {
  await page.goto(appUrl);
  await page.getByTestId("wallet-address").waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId("balances-loaded").waitFor({ timeout: TIMEOUT_MS });
}

async function balances(page) {
  await openTradingPage(page);
  await convergeOn(page, JSON.parse(process.env.EXPECT));
  const oracle = await page.getByTestId("oracle").innerText();
  await page.screenshot({ path: join(artifacts, "trading-balances.png"), fullPage: true });
  return { ...(await shownBalances(page)), oracle };
}

/** Prints what it shows, waits for the test to change the chain and write EXPECT_FILE, then
 * reports what the same page (subscriptions only, no reload) shows. */
async function live(page) {
  await openTradingPage(page);
  process.stdout.write(JSON.stringify({ before: await shownBalances(page) }) + "\n");
  let expected = null;
  while (expected === null) {
    try {
      expected = JSON.parse(await readFile(process.env.EXPECT_FILE, "utf8"));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await convergeOn(page, expected);
  await page.screenshot({ path: join(artifacts, "trading-live.png"), fullPage: true });
  return shownBalances(page);
}

async function map(page) {
  await page.goto(new URL("/map", appUrl).toString());
  await page.locator("[data-map-loaded=true]").waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-map.png"), fullPage: true });
  return page.evaluate(() => {
    const canvas = document.querySelector("[data-testid=grid-map] canvas");
    const copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext("2d");
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let painted = 0;
    for (let index = 3; index < data.length; index += 4) if (data[index] !== 0) painted += 1;
    return { paintedPixels: painted, sampledPixels: data.length / 4 };
  });
}

async function devWalletOffered(page) {
  const menu = page.getByRole("menu", { name: "Wallets" });
  if (await menu.count()) throw new Error("the wallet menu is open before it was clicked");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await menu.waitFor({ timeout: TIMEOUT_MS });
  const offered = await menu.getByRole("menuitem", { name: /Development wallet/ }).count();
  await page.getByRole("button", { name: "Connect wallet" }).click();
  return offered > 0;
}

async function cluster(page) {
  const { address } = await connect(page);
  await page.getByLabel("Custom RPC URL").fill(process.env.CUSTOM_RPC_URL);
  await page.getByRole("button", { name: "Use" }).click();
  await page.getByRole("button", { name: "Connect wallet" }).waitFor({ timeout: TIMEOUT_MS });
  const onCustom = await devWalletOffered(page);
  const stored = await page.evaluate(() => window.localStorage.getItem("gridtokenx.cluster"));
  await page.screenshot({ path: join(artifacts, "trading-custom-cluster.png"), fullPage: true });
  await page.getByTestId("cluster-select").selectOption("local");
  const onLocal = await devWalletOffered(page);
  return { address, devWalletOfferedOnCustom: onCustom, devWalletOfferedOnLocal: onLocal, storedCluster: stored };
}

async function shell(page) {
  const path = process.env.PAGE_PATH;
  await page.goto(new URL(path, appUrl).toString());
  await page.getByRole("main").getByRole("heading").first().waitFor({ timeout: TIMEOUT_MS });
  // The wallet button loads after the first paint (its own chunk).
  await page.getByRole("button", { name: "Connect wallet" }).waitFor({ timeout: TIMEOUT_MS });
  const title = await page.title();
  const name = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  return {
    title,
    headings: await page.getByRole("main").getByRole("heading").allInnerTexts(),
    connectButton: await page.getByRole("button", { name: "Connect wallet" }).count(),
  };
}

/** Hands TRANSACTION (base64, unsigned) to the development wallet as a dApp does through the
 * Wallet Standard (`wallet-standard:app-ready`) and returns the signature it sent. */
async function send(page) {
  await page.goto(appUrl);
  await page.getByTestId("wallet-address").waitFor({ timeout: TIMEOUT_MS });
  const signature = await page.evaluate(async (transaction) => {
    const wallets = [];
    const register = (...found) => {
      wallets.push(...found);
      return () => undefined;
    };
    window.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: { register } }));
    const wallet = wallets.find((candidate) => candidate.name.startsWith("GridTokenX Dev Wallet"));
    const [account] = wallet.accounts;
    const bytes = Uint8Array.from(atob(transaction), (character) => character.charCodeAt(0));
    const [output] = await wallet.features["solana:signAndSendTransaction"].signAndSendTransaction({
      account,
      transaction: bytes,
      chain: "solana:localnet",
    });
    return Array.from(output.signature);
  }, process.env.TRANSACTION);
  return { signature };
}

/** Signed in: restored from the gateway's cookie on load, or by the button when there is none. */
async function signIn(page) {
  await openTradingPage(page);
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const signedIn = page.getByTestId("signed-in");
  await signedIn.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await signedIn.count())) await button.click();
  await signedIn.waitFor({ timeout: TIMEOUT_MS });
}

async function orderRows(page, count) {
  await page.waitForFunction((count) => document.querySelectorAll("[data-testid=order-row]").length === count, count, {
    timeout: TIMEOUT_MS,
  });
  return page.getByTestId("order-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-order-id")));
}

async function order(page) {
  const { side, price, quantity } = JSON.parse(process.env.ORDER);
  await signIn(page);
  const form = page.getByTestId("order-form");
  await form.getByLabel(side === "buy" ? "Buy" : "Sell", { exact: true }).check();
  await form.getByLabel("Price (USDC per kWh)").fill(price);
  await form.getByLabel("Quantity (kWh)").fill(quantity);
  const maximum = await form.getByTestId("order-maximum").getAttribute("data-base-units");
  await form.getByRole("button", { name: "Review" }).click();
  const review = page.getByTestId("order-review");
  const escrow = await review.getByTestId("review-escrow").innerText();
  await review.getByRole("button", { name: "Sign and place" }).click();
  const outcome = page.getByTestId("transaction-signature").or(page.getByTestId("transaction-error"));
  await outcome.waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, `trading-order-${side}.png`), fullPage: true });
  const cookies = (await page.context().cookies()).map(({ name, httpOnly, sameSite }) => ({ name, httpOnly, sameSite }));
  const result = { maximum, escrow, cookies, orders: await orderRows(page, JSON.parse(process.env.EXPECT).orders) };
  const error = page.getByTestId("transaction-error");
  if (await error.count()) {
    return { ...result, errorCode: await error.getAttribute("data-code"), error: await error.innerText() };
  }
  return { ...result, signature: await page.getByTestId("transaction-signature").innerText() };
}

async function cancel(page) {
  const { orderId } = JSON.parse(process.env.ORDER);
  await signIn(page);
  await page.getByRole("button", { name: `Cancel order ${orderId}` }).click();
  const left = await orderRows(page, JSON.parse(process.env.EXPECT).orders);
  await page.screenshot({ path: join(artifacts, "trading-cancelled.png"), fullPage: true });
  return { orders: left };
}

/** What the market panels show, read from the page (base units as decimal strings). */
function observeMarket() {
  const rows = (side) =>
    [...document.querySelectorAll(`[data-testid=book-level][data-side=${side}]`)].map((row) => [
      row.getAttribute("data-price"),
      row.getAttribute("data-quantity"),
    ]);
  const stat = (name) => document.querySelector(`[data-testid=stat-${name}]`)?.getAttribute("data-base-units") ?? null;
  const panels = ["market-stats", "order-book", "candles", "trade-tape"];
  return {
    bids: rows("buy"),
    asks: rows("sell").reverse(),
    tape: [...document.querySelectorAll("[data-testid=tape-trade]")].map((row) => row.getAttribute("data-trade-id")),
    candles: Number(document.querySelector("[data-testid=candles-chart]")?.getAttribute("data-candles") ?? 0),
    candleCanvases: document.querySelectorAll("[data-testid=candles-chart] canvas").length,
    depthPoints: Number(document.querySelector("[data-testid=depth-chart]")?.getAttribute("data-points") ?? 0),
    stats: { last: stat("last"), volume: stat("volume"), trades: stat("trades"), high: stat("high"), low: stat("low") },
    live: Object.fromEntries(panels.map((id) => [id, document.querySelector(`[data-testid=${id}]`)?.getAttribute("data-live") ?? null])),
  };
}

/** Wait until the panels show `want` (every key of it), then return what they show. */
async function marketShows(page, want) {
  await page
    .waitForFunction(
      ([source, want]) => {
        const seen = new Function(`return (${source})()`)();
        return Object.entries(want).every(([key, value]) => JSON.stringify(seen[key]) === JSON.stringify(value));
      },
      [observeMarket.toString(), want],
      { timeout: TIMEOUT_MS },
    )
    .catch(() => undefined);
  return page.evaluate(observeMarket);
}

async function market(page) {
  await page.goto(appUrl);
  await page.getByTestId("market-view").waitFor({ timeout: TIMEOUT_MS });
  const before = await marketShows(page, JSON.parse(process.env.EXPECT));
  await page.screenshot({ path: join(artifacts, "trading-market.png"), fullPage: true });
  process.stdout.write(JSON.stringify({ before }) + "\n");
  let expected = null;
  while (expected === null) {
    try {
      expected = JSON.parse(await readFile(process.env.EXPECT_FILE, "utf8"));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const after = await marketShows(page, expected);
  await page.screenshot({ path: join(artifacts, "trading-market-live.png"), fullPage: true });
  return after;
}

async function storedText(page) {
  return page.evaluate(() => JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }) + document.cookie);
}

async function reload(page) {
  const tokens = [];
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    if ((path === "/v1/auth/sign-in" || path === "/v1/auth/refresh") && response.ok()) {
      tokens.push({ path, token: (await response.json()).access_token });
    }
  });
  await signIn(page);
  await page.reload();
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const signedIn = page.getByTestId("signed-in");
  await signedIn.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-reloaded.png"), fullPage: true });
  const stored = await storedText(page);
  return {
    signedInAfterReload: (await signedIn.count()) > 0,
    role: await signedIn.getAttribute("data-role").catch(() => null),
    tokenRoutes: tokens.map(({ path }) => path),
    tokenInStorage: tokens.some(({ token }) => stored.includes(token)),
  };
}

async function restored(page) {
  let refreshed = 0;
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/v1/auth/refresh" && response.ok()) refreshed += 1;
  });
  await openTradingPage(page);
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const signedIn = page.getByTestId("signed-in");
  await signedIn.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  return { signedIn: (await signedIn.count()) > 0, refreshed };
}

async function history(page) {
  const { tradeId } = JSON.parse(process.env.EXPECT);
  let clicked = false;
  await openTradingPage(page);
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const signedIn = page.getByTestId("signed-in");
  await signedIn.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await signedIn.count())) {
    clicked = true;
    await button.click();
  }
  await page
    .locator(`[data-testid=fill-row][data-trade-id="${tradeId}"][data-status=settled]`)
    .or(page.locator("[data-testid=transaction-error]"))
    .first()
    .waitFor({ timeout: TIMEOUT_MS });
  await page.locator("[data-testid=settlement-row][data-status=settled]").first().waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-history.png"), fullPage: true });
  const fills = await page.getByTestId("fill-row").evaluateAll((rows) =>
    rows.map((row) => ({
      tradeId: row.getAttribute("data-trade-id"),
      status: row.getAttribute("data-status"),
      signature: row.querySelector("[data-testid=signature]")?.getAttribute("data-signature") ?? null,
    })),
  );
  const settlements = await page.getByTestId("settlement-row").evaluateAll((rows) =>
    rows.map((row) => ({
      status: row.getAttribute("data-status"),
      trades: row.getAttribute("data-trades"),
      signature: row.querySelector("[data-testid=signature]")?.getAttribute("data-signature") ?? null,
      sold: row.getAttribute("data-energy-sold"),
      received: row.getAttribute("data-quote-received"),
    })),
  );
  return { fills, settlements, signedInWithoutClick: !clicked };
}

async function energy(page) {
  await page.goto(new URL("/energy", appUrl).toString());
  await page.getByTestId("wallet-address").waitFor({ timeout: TIMEOUT_MS });
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const meters = page.getByTestId("my-meters");
  await meters.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await meters.count())) await button.click();
  await page.getByTestId("meter-row").first().waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId("energy-production").waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId("meter-mints").getByText(/Nothing minted yet|Reading time/).first().waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId("energy-production").getByText(/No readings|Produced/).first().waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-energy.png"), fullPage: true });
  return {
    meters: await page.getByTestId("meter-row").evaluateAll((rows) =>
      rows.map((row) => ({
        status: row.getAttribute("data-status"),
        zone: row.getAttribute("data-zone"),
        mintedWh: row.getAttribute("data-minted-wh"),
        source: row.getAttribute("data-source"),
      })),
    ),
    production: await page.getByTestId("energy-production").innerText(),
    mints: await page.getByTestId("meter-mints").innerText(),
  };
}

async function feedfaults(page) {
  const sent = [];
  const dropped = [];
  const sockets = [];
  let dropBookUpdate = false;
  await page.routeWebSocket(/\/v1\/ws$/, (socket) => {
    const server = socket.connectToServer();
    sockets.push(socket);
    socket.onMessage((message) => {
      sent.push(JSON.parse(String(message)));
      server.send(message);
    });
    server.onMessage((message) => {
      const parsed = JSON.parse(String(message));
      if (dropBookUpdate && parsed.type === "update" && parsed.channel.startsWith("book:")) {
        dropBookUpdate = false;
        dropped.push({ previous: String(parsed.previous), sequence: String(parsed.sequence) });
        return;
      }
      socket.send(message);
    });
  });
  await page.goto(appUrl);
  await page.getByTestId("market-view").waitFor({ timeout: TIMEOUT_MS });
  const before = await marketShows(page, JSON.parse(process.env.EXPECT));
  dropBookUpdate = true;
  process.stdout.write(JSON.stringify({ before }) + "\n");
  let expected = null;
  while (expected === null) {
    try {
      expected = JSON.parse(await readFile(process.env.EXPECT_FILE, "utf8"));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const resynced = await marketShows(page, expected);
  // The gateway goes away (as the page sees it): every panel turns stale, then live again.
  await sockets[sockets.length - 1].close({ code: 1012, reason: "test" });
  const book = page.getByTestId("order-book");
  await book.locator("[data-testid=feed-status][data-state=stale]").waitFor({ timeout: TIMEOUT_MS });
  const staleText = await book.getByTestId("feed-status").innerText();
  await page.screenshot({ path: join(artifacts, "trading-market-stale.png"), fullPage: true });
  const after = await marketShows(page, expected);
  return { before, resynced, after, staleText, sent, dropped, connections: sockets.length };
}

const phases = { feedfaults, energy, history, connect, balances, live, send, map, cluster, shell, order, cancel, market, reload, restored };
const phase = phases[process.argv[2]];
if (!phase) throw new Error(`unknown phase ${process.argv[2]}`);

const { context, external, errors, firstPage } = await launchRecorded(chromium, process.env.PROFILE_DIR);
try {
  const page = await firstPage();
  const result = await phase(page);
  process.stdout.write(JSON.stringify({ ...result, externalRequests: external, pageErrors: errors }) + "\n");
} finally {
  await context.close();
}
