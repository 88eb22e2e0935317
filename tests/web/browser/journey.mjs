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
// The cross-app journey's phases (screenshots journey-<ARTIFACT_PREFIX>-*.png):
//   node journey.mjs register   → requests a meter on /energy (METER_NAME, ZONE, MAX_EXPORT_KW;
//                                 the browser generates the device key) → its status, meter id
//                                 and the device key shown once
//   node journey.mjs approve    → on the admin app (APP_URL): the operator's wallet
//                                 (OPERATOR_SECRET) signs in and co-signs METER_ID's registration
//   node journey.mjs production → /energy once EXPECT.meterId shows EXPECT.producedWh and a
//                                 confirmed mint
//   node journey.mjs wallet     → the trading page's balances once they match EXPECT
//   node journey.mjs gridmap    → the grid map's zones, meters and flows, the meter's zone's
//                                 details and the order form its link pre-fills
//   node journey.mjs gridpublic → the grid map, not signed in, once it lists EXPECT.flows flows
//   node journey.mjs pages      → every page of the main navigation (screenshots), then
//                                 PHONE_PATH on a phone-sized screen → its overflow
//
// Environment: GRIDTOKENX_WEB_DIR (the npm workspace), APP_URL, PROFILE_DIR, ARTIFACT_DIR,
// EXPECT (JSON, for `balances`: wait until the page shows these base units), CUSTOM_RPC_URL,
// PAGE_PATH, EXPECT_FILE, TRANSACTION, ORDER (JSON), and the journey's ARTIFACT_PREFIX, METER_NAME,
// ZONE, MAX_EXPORT_KW, OPERATOR_SECRET, METER_ID, PHONE_PATH.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

import { approve as adminApprove, signIn as adminSignIn, useOperatorKey } from "./admin.mjs";
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
    oneUsdcLocalMinor: await page.getByTestId("oracle-value").getAttribute("data-local-minor", { timeout: 1_000 }).catch(() => null),
  };
}

/** Wait until the page shows `want` (base units, order count, local value: those it names); no
 * reload. */
async function convergeOn(page, want) {
  await page
    .waitForFunction(
      (want) =>
        ["sol", "gxt", "usdc"].every(
          (name) => want[name] === undefined || document.querySelector(`[data-testid=balance-${name}]`)?.getAttribute("data-base-units") === want[name],
        ) &&
        (want.orders === undefined || document.querySelectorAll("[data-testid=order-row]").length === want.orders) &&
        (want.oneUsdcLocalMinor === undefined ||
          document.querySelector("[data-testid=oracle-value]")?.getAttribute("data-local-minor") === want.oneUsdcLocalMinor),
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
  const { side, price, quantity, timeInForce } = JSON.parse(process.env.ORDER);
  await signIn(page);
  const form = page.getByTestId("order-form");
  await form.getByLabel(side === "buy" ? "Buy" : "Sell", { exact: true }).check();
  // Optional: "GTC", "IOC" or "Post-only" (the form's time-in-force radios; GTC by default).
  if (timeInForce) await form.getByTestId("order-time-in-force").getByLabel(timeInForce, { exact: true }).check();
  await form.getByLabel("Price (USDC per kWh)").fill(price);
  await form.getByLabel("Quantity (kWh)").fill(quantity);
  const maximum = await form.getByTestId("order-maximum").getAttribute("data-base-units");
  await form.getByRole("button", { name: "Review" }).click();
  const review = page.getByTestId("order-review");
  const escrow = await review.getByTestId("review-escrow").innerText();
  const reviewedTimeInForce = await review.getByTestId("review-time-in-force").getAttribute("data-value");
  await review.getByRole("button", { name: "Sign and place" }).click();
  const outcome = page.getByTestId("transaction-signature").or(page.getByTestId("transaction-error"));
  await outcome.waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, `trading-order-${side}.png`), fullPage: true });
  const cookies = (await page.context().cookies()).map(({ name, httpOnly, sameSite }) => ({ name, httpOnly, sameSite }));
  const result = { maximum, escrow, reviewedTimeInForce, cookies, orders: await orderRows(page, JSON.parse(process.env.EXPECT).orders) };
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


// ---- The cross-app journey (tests/web/test_browser.py::test_the_platform_journey_across_both_apps).
// Its screenshots are named journey-<ARTIFACT_PREFIX>-<page>.png.

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `journey-${process.env.ARTIFACT_PREFIX ?? "page"}-${name}.png`), fullPage: true });
}

/** Opens `path` of the trading app with the wallet connected and signed in (a click when the
 * session does not come back by itself). */
async function signedInAt(page, path) {
  await page.goto(new URL(path, appUrl).toString());
  await page.getByTestId("wallet-address").waitFor({ timeout: TIMEOUT_MS });
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const signedIn = page.getByTestId("signed-in");
  const ready = path === "/energy" ? page.getByTestId("meter-request") : signedIn;
  await ready.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await ready.count())) await button.first().click();
  await ready.waitFor({ timeout: TIMEOUT_MS });
}

/** The energy page's registration request (E's form): METER_NAME in zone ZONE rated
 * MAX_EXPORT_KW, the device key generated in the browser; the wallet signs both transactions. */
async function register(page) {
  await signedInAt(page, "/energy");
  await shot(page, "energy-before");
  await page.getByTestId("meter-request-open").click();
  const form = page.getByTestId("meter-request-form");
  await form.getByTestId("meter-request-name").fill(process.env.METER_NAME);
  await form.getByTestId("meter-request-zone").selectOption(process.env.ZONE);
  await form.getByTestId("meter-request-max-export").fill(process.env.MAX_EXPORT_KW);
  await form.getByTestId("meter-request-submit").click();
  const status = page.locator("[data-testid=meter-request-status][data-status=pending_approval]");
  const failure = page.getByTestId("meter-request-error");
  await status.or(failure).first().waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "meter-requested");
  if (await failure.count()) return { error: await failure.innerText(), code: await failure.getAttribute("data-code") };
  const secret = page.getByTestId("meter-request-device-secret");
  return {
    status: await status.getAttribute("data-status"),
    statusText: await status.innerText(),
    meterId: await status.getAttribute("data-meter-id"),
    devicePublicKey: await secret.getAttribute("data-public-key"),
    deviceSecretKey: await secret.getAttribute("data-secret-key"),
  };
}

/** The admin app (APP_URL): the operator's wallet (OPERATOR_SECRET) signs in and co-signs the
 * registration of METER_ID in the approval queue (admin.mjs's own steps). */
async function approve(page) {
  const session = await adminSignIn(page);
  const approved = await adminApprove(page);
  return { ...session, approved };
}

/** The energy page once the meter is approved and its readings minted: its row, what the
 * production card and the mints show, and the request's status. */
async function production(page) {
  const { meterId, producedWh } = JSON.parse(process.env.EXPECT);
  await signedInAt(page, "/energy");
  const row = page.locator(`[data-testid=meter-row][data-meter-id="${meterId}"]`);
  await row.waitFor({ timeout: TIMEOUT_MS });
  await row.getByRole("radio").check();
  await page
    .waitForFunction((wanted) => document.querySelector("[data-testid=produced-wh]")?.getAttribute("data-wh") === wanted, producedWh, { timeout: TIMEOUT_MS })
    .catch(() => undefined);
  await page.locator("[data-testid=mint-row][data-status=confirmed]").first().waitFor({ timeout: TIMEOUT_MS }).catch(() => undefined);
  await shot(page, "energy");
  return {
    meter: {
      status: await row.getAttribute("data-status"),
      zone: await row.getAttribute("data-zone"),
      mintedWh: await row.getAttribute("data-minted-wh"),
    },
    producedWh: await page.getByTestId("produced-wh").getAttribute("data-wh", { timeout: 1_000 }).catch(() => null),
    mints: await page.getByTestId("mint-row").evaluateAll((rows) => rows.map((item) => item.getAttribute("data-status"))),
    request: await page.locator(`[data-testid=meter-request-row][data-meter-id="${meterId}"]`).getAttribute("data-status"),
  };
}

/** The trading page's balances once they are EXPECT's (only the names it gives). */
async function wallet(page) {
  await signedInAt(page, "/");
  await page.getByTestId("balances-loaded").waitFor({ timeout: TIMEOUT_MS });
  await convergeOn(page, JSON.parse(process.env.EXPECT));
  await shot(page, "trading");
  return shownBalances(page);
}

/** Reads the grid map's lists (what the canvas draws, for keyboard and screen readers). */
function observeGrid() {
  const rows = (id, names) =>
    [...document.querySelectorAll(`[data-testid=${id}]`)].map((row) => Object.fromEntries(names.map((name) => [name, row.getAttribute(`data-${name}`)])));
  const canvas = document.querySelector("[data-testid=grid-map] canvas");
  let painted = 0;
  if (canvas) {
    const copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext("2d");
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    const colours = new Set();
    for (let index = 0; index < data.length; index += 4 * 97) colours.add((data[index] << 16) | (data[index + 1] << 8) | data[index + 2]);
    painted = colours.size;
  }
  const map = document.querySelector("[data-testid=grid-map]");
  const status = document.querySelector("[data-testid=map-status]");
  return {
    zones: rows("map-zone", ["zone", "balance", "net-wh", "meters"]),
    meters: rows("map-meter", ["meter-id", "zone", "mine", "placed", "balance", "net-wh"]),
    flows: rows("map-flow", ["from", "to", "quantity"]),
    features: Number(map?.getAttribute("data-features") ?? 0),
    animated: map?.getAttribute("data-flows-animated"),
    source: status?.getAttribute("data-source"),
    sampledColours: painted,
  };
}

/** The grid map signed in: the zones, my meter (EXPECT.meterId) and the flows the gateway
 * publishes; a click on the meter's zone in the list, its details, and the order form that zone's
 * link opens pre-filled. */
async function gridmap(page) {
  const { meterId, zones } = JSON.parse(process.env.EXPECT);
  await signedInAt(page, "/map");
  await page.locator("[data-map-loaded=true]").waitFor({ timeout: TIMEOUT_MS });
  await page.locator(`[data-testid=map-meter][data-meter-id="${meterId}"]`).waitFor({ timeout: TIMEOUT_MS });
  await page.waitForFunction((count) => document.querySelectorAll("[data-testid=map-zone]").length === count, zones, { timeout: TIMEOUT_MS });
  await page.locator("[data-testid=map-status]:not([data-source=none])").waitFor({ timeout: TIMEOUT_MS });
  await page.waitForTimeout(500); // the canvas draws the source's new data on the next frames
  const shown = await page.evaluate(observeGrid);
  await shot(page, "map");
  // Keyboard: the layer toggles and the zone list are focusable controls.
  const zone = (await page.locator(`[data-testid=map-meter][data-meter-id="${meterId}"]`).getAttribute("data-zone")) ?? "0";
  await page.getByTestId("map-zones").getByRole("button", { name: `Zone ${zone}`, exact: true }).focus();
  await page.keyboard.press("Enter");
  const details = page.locator(`[data-testid=map-details][data-zone="${zone}"]`);
  await details.waitFor({ timeout: TIMEOUT_MS });
  const detailsText = await details.innerText();
  await page.getByRole("checkbox", { name: "Trades between zones" }).uncheck();
  const flowsToggled = await page.getByRole("checkbox", { name: "Trades between zones" }).isChecked();
  await shot(page, "map-zone-selected");
  const href = await details.getByTestId("map-zone-order").getAttribute("href");
  await details.getByTestId("map-zone-order").click();
  const prefill = page.getByTestId("order-prefill");
  await prefill.waitFor({ timeout: TIMEOUT_MS });
  const form = page.getByTestId("order-form");
  await shot(page, "order-prefilled");
  return {
    ...shown,
    detailsText,
    flowsToggled,
    href,
    prefill: {
      zone: await prefill.getAttribute("data-zone"),
      buy: await form.getByLabel("Buy", { exact: true }).isChecked(),
      quantity: await form.getByLabel("Quantity (kWh)").inputValue(),
    },
  };
}

/** The grid map without signing in (the public view): once it lists EXPECT.flows flows, what
 * it shows, and the details of the first flow chosen from its list. */
async function gridpublic(page) {
  const { flows } = JSON.parse(process.env.EXPECT);
  await page.goto(new URL("/map", appUrl).toString());
  await page.locator("[data-map-loaded=true]").waitFor({ timeout: TIMEOUT_MS });
  await page.waitForFunction((count) => document.querySelectorAll("[data-testid=map-flow]").length === count, flows, { timeout: TIMEOUT_MS });
  await page.waitForTimeout(500); // the canvas draws the source's new data on the next frames
  const shown = await page.evaluate(observeGrid);
  await page.getByTestId("map-flows").getByRole("button").first().click();
  const details = page.locator("[data-testid=map-details][data-kind=flow]");
  await details.waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-map-flows.png"), fullPage: true });
  return { ...shown, flowDetails: await details.innerText() };
}

/** Every page of the app's main navigation, signed in as before (the profile's session), each
 * kept as a screenshot; then PHONE_PATH on a phone-sized screen: how far it is wider than it. */
async function pages(page) {
  await page.goto(appUrl);
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.waitFor({ timeout: TIMEOUT_MS });
  const paths = await nav.getByRole("link").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
  const seen = [];
  for (const path of paths) {
    await page.goto(new URL(path, appUrl).toString());
    const heading = page.getByRole("main").getByRole("heading").first();
    await heading.waitFor({ timeout: TIMEOUT_MS });
    await page.waitForTimeout(1_500); // the page's first queries answer
    await shot(page, `page${path === "/" ? "-home" : path.replaceAll("/", "-")}`);
    seen.push({ path, heading: await heading.innerText() });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(new URL(process.env.PHONE_PATH, appUrl).toString());
  await page.getByRole("main").getByRole("heading").first().waitFor({ timeout: TIMEOUT_MS });
  if (process.env.PHONE_PATH === "/map") await page.locator("[data-map-loaded=true]").waitFor({ timeout: TIMEOUT_MS });
  await page.waitForTimeout(1_000);
  await shot(page, "phone");
  return { pages: seen, phoneOverflowPx: await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) };
}

const phases = { pages, gridpublic, register, approve, production, wallet, gridmap, feedfaults, energy, history, connect, balances, live, send, map, cluster, shell, order, cancel, market, reload, restored };
const phase = phases[process.argv[2]];
if (!phase) throw new Error(`unknown phase ${process.argv[2]}`);

const { context, external, errors, firstPage } = await launchRecorded(chromium, process.env.PROFILE_DIR);
if (process.env.OPERATOR_SECRET) await useOperatorKey(context, process.env.OPERATOR_SECRET);
try {
  const page = await firstPage();
  const result = await phase(page);
  process.stdout.write(JSON.stringify({ ...result, externalRequests: external, pageErrors: errors }) + "\n");
} finally {
  await context.close();
}
