// Drives Debian's Chromium through the trading app's notifications and portfolio pages
// (playwright-core, never a downloaded browser). Called by tests/web/after_trade/test_trading_portfolio.py,
// one phase per call; the browser profile (the development wallet's key in localStorage and the
// gateway's refresh cookie) persists between phases.
//
//   node portfolio.mjs notifications → {"before": {unread, rows}} at once, signed in on
//       /notifications; then, once the test wrote EXPECT_FILE ({unread, kind}: what must arrive
//       live), what the same page (no reload) shows: the bell and the new row; then marks that row
//       read with the keyboard, turns e-mail on for "Energy tokens minted" and saves, reloads and
//       reads the preference back, marks all read and pages through the older ones
//   node portfolio.mjs portfolio → /portfolio once EXPECT.tradeId is in its transactions: the
//       balances, figures, months and transactions it shows (and at phone width, in dark mode)
//
// Environment: GRIDTOKENX_WEB_DIR (the npm workspace), APP_URL, PROFILE_DIR, ARTIFACT_DIR,
// EXPECT (JSON), EXPECT_FILE.
import { createRequire } from "node:module";
import { join } from "node:path";

import { TIMEOUT_MS, launchRecorded } from "./chromium.mjs";
import { expectation } from "./expectation.mjs";

const require = createRequire(join(process.env.GRIDTOKENX_WEB_DIR, "package.json"));
const { chromium } = require("playwright-core");

const appUrl = process.env.APP_URL;
const artifacts = process.env.ARTIFACT_DIR;
const PREFERENCE = "Energy tokens minted: by e-mail";

async function signedInOn(page, path) {
  await page.goto(new URL(path, appUrl).toString());
  await page.getByTestId("wallet-address").waitFor({ timeout: TIMEOUT_MS });
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const ready = page.getByTestId(path === "/notifications" ? "notifications" : "portfolio-history");
  await ready.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await ready.count())) await button.click();
  await ready.waitFor({ timeout: TIMEOUT_MS });
}

const bellUnread = (page) => page.getByTestId("notification-bell").getAttribute("data-unread");

async function waitForBell(page, unread) {
  await page
    .waitForFunction((unread) => document.querySelector("[data-testid=notification-bell]")?.getAttribute("data-unread") === unread, unread, {
      timeout: TIMEOUT_MS,
    })
    .catch(() => undefined);
}

function rows(page) {
  return page.getByTestId("notification-row").evaluateAll((items) =>
    items.map((row) => ({
      id: row.getAttribute("data-id"),
      kind: row.getAttribute("data-kind"),
      read: row.getAttribute("data-read"),
      title: row.querySelector("h3")?.textContent ?? "",
    })),
  );
}

async function notifications(page) {
  await signedInOn(page, "/notifications");
  await page.locator("[data-testid=notification-bell][data-unread]:not([data-unread=''])").waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId("notification-list").waitFor({ timeout: TIMEOUT_MS });
  await page.locator("[data-testid=notification-bell][data-live=true]").waitFor({ timeout: TIMEOUT_MS }).catch(() => undefined);
  const before = { unread: await bellUnread(page), rows: await rows(page) };
  process.stdout.write(JSON.stringify({ before }) + "\n");

  const expected = await expectation();
  await waitForBell(page, String(expected.unread));
  const known = new Set(before.rows.map((row) => row.id));
  await page
    .waitForFunction(
      ({ known, kind }) =>
        [...document.querySelectorAll("[data-testid=notification-row]")].some(
          (row) => !known.includes(row.getAttribute("data-id")) && row.getAttribute("data-kind") === kind,
        ),
      { known: [...known], kind: expected.kind },
      { timeout: TIMEOUT_MS },
    )
    .catch(() => undefined);
  await page.screenshot({ path: join(artifacts, "trading-notification-arrived.png"), fullPage: true });
  const arrived = {
    unread: await bellUnread(page),
    bellLabel: await page.getByTestId("notification-bell").getAttribute("aria-label"),
    announcement: await page.getByTestId("notification-announcement").innerText(),
    rows: await rows(page),
  };

  // Mark the new one read with the keyboard: focus its button, press Enter.
  const fresh = arrived.rows.find((row) => !known.has(row.id) && row.kind === expected.kind);
  let markedRead = null;
  if (fresh) {
    const row = page.locator(`[data-testid=notification-row][data-id="${fresh.id}"]`);
    await row.getByRole("button", { name: `Mark "${fresh.title}" read` }).focus();
    await page.keyboard.press("Enter");
    await page.locator(`[data-testid=notification-row][data-id="${fresh.id}"][data-read=true]`).waitFor({ timeout: TIMEOUT_MS }).catch(() => undefined);
    await waitForBell(page, String(Number(arrived.unread) - 1));
    markedRead = { id: fresh.id, read: await row.getAttribute("data-read"), unread: await bellUnread(page) };
  }

  // A preference: e-mail for minted tokens (off by default), saved, read back after a reload.
  const checkbox = page.getByRole("checkbox", { name: PREFERENCE });
  await checkbox.waitFor({ timeout: TIMEOUT_MS });
  const preferenceBefore = await checkbox.isChecked();
  await checkbox.click();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await page.getByTestId("preferences-status").getByText("Saved.").waitFor({ timeout: TIMEOUT_MS }).catch(() => undefined);
  const saved = await page.getByTestId("preferences-status").innerText();
  await page.reload();
  await page.getByRole("checkbox", { name: PREFERENCE }).waitFor({ timeout: TIMEOUT_MS });
  const preferenceAfterReload = await page.getByRole("checkbox", { name: PREFERENCE }).isChecked();

  await page.getByTestId("notifications-read-all").click();
  await waitForBell(page, "0");
  // The older ones, a page at a time (the gateway's cursor).
  let listed = await page.getByTestId("notification-row").count();
  const firstPage = listed;
  const more = page.getByTestId("notifications-more");
  while (await more.count()) {
    await more.click();
    await page
      .waitForFunction((listed) => document.querySelectorAll("[data-testid=notification-row]").length > listed, listed, { timeout: TIMEOUT_MS })
      .catch(() => undefined);
    const now = await page.getByTestId("notification-row").count();
    if (now === listed) break;
    listed = now;
  }
  await page.screenshot({ path: join(artifacts, "trading-notifications.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: join(artifacts, "trading-notifications-phone-dark.png"), fullPage: true });
  const phoneOverflowPx = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  return {
    phoneOverflowPx,
    before,
    arrived,
    markedRead,
    preference: { before: preferenceBefore, saved, afterReload: preferenceAfterReload },
    afterReadAll: { unread: await bellUnread(page), firstPage, rows: await rows(page) },
  };
}

async function portfolio(page) {
  const { tradeId } = JSON.parse(process.env.EXPECT);
  await signedInOn(page, "/portfolio");
  await page.getByTestId("balances-loaded").waitFor({ timeout: TIMEOUT_MS });
  await page.locator(`[data-testid=portfolio-entry][data-trade-id="${tradeId}"]`).waitFor({ timeout: TIMEOUT_MS }).catch(() => undefined);
  await page.screenshot({ path: join(artifacts, "trading-portfolio.png"), fullPage: true });
  const figures = Object.fromEntries(
    await page.getByTestId("portfolio-figure").evaluateAll((items) => items.map((item) => [item.getAttribute("data-figure"), item.getAttribute("data-value")])),
  );
  const entries = await page.getByTestId("portfolio-entry").evaluateAll((items) =>
    items.map((row) => ({
      kind: row.getAttribute("data-kind"),
      tradeId: row.getAttribute("data-trade-id"),
      gxt: row.getAttribute("data-gxt"),
      usdc: row.getAttribute("data-usdc"),
      savings: row.getAttribute("data-savings"),
      signature: row.querySelector("[data-testid=signature]")?.getAttribute("data-signature") ?? null,
    })),
  );
  const months = await page.getByTestId("portfolio-month").evaluateAll((items) =>
    items.map((row) => ({ month: row.getAttribute("data-month"), earned: row.getAttribute("data-earned"), savings: row.getAttribute("data-savings") })),
  );
  const units = (name) => page.getByTestId(`balance-${name}`).getAttribute("data-base-units");
  const balances = { sol: await units("sol"), gxt: await units("gxt"), usdc: await units("usdc") };
  const chartPoints = await page.getByTestId("portfolio-chart").getAttribute("data-points", { timeout: TIMEOUT_MS }).catch(() => null);
  // A phone, in the dark theme: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: join(artifacts, "trading-portfolio-phone-dark.png"), fullPage: true });
  const phoneOverflowPx = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  return { figures, entries, months, balances, chartPoints, phoneOverflowPx };
}

const phases = { notifications, portfolio };
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
