// Drives Debian's Chromium through the admin console's production build (playwright-core, never
// a downloaded browser). Called by tests/web/test_admin_console.py; one run walks every page:
//
//   node admin.mjs → {"signedInRole", "walletAddress", "roleChange": {...}, "auditPage": [...],
//                     "approved": {...} | null, "transaction": {...}, "pages": {...},
//                     "externalRequests": [...], "pageErrors": [...]}
//
// The development wallet holds OPERATOR_SECRET (the chain operator's key, base58, put into the
// page's localStorage before the app loads), connects and signs in with the gateway; then:
// Users — search TARGET_WALLET, give it NEW_ROLE with REASON, wait for the audit entry; Audit
// log — filtered by `user.*`; Meters — approve the registration of METER_ID (if set) with the
// wallet's co-signature; Transactions — decode SIGNATURE (or the approval's); the remaining
// pages are opened and each saved as a screenshot in ARTIFACT_DIR.
//
// Environment: GRIDTOKENX_WEB_DIR, APP_URL, PROFILE_DIR, ARTIFACT_DIR, OPERATOR_SECRET,
// TARGET_WALLET, NEW_ROLE, REASON, METER_ID, SIGNATURE.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { TIMEOUT_MS, launchRecorded } from "./chromium.mjs";

const require = createRequire(join(process.env.GRIDTOKENX_WEB_DIR, "package.json"));
const { chromium } = require("playwright-core");

const appUrl = process.env.APP_URL;
const artifacts = process.env.ARTIFACT_DIR;

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `admin-${name}.png`), fullPage: true });
}

/** Opens `path` with the operator signed in (restored from the refresh cookie after a reload). */
async function open(page, path) {
  await page.goto(`${appUrl}${path}`);
  await page.locator('[data-testid="signed-in"][data-role="operator"]').waitFor({ timeout: TIMEOUT_MS });
}

export async function signIn(page) {
  await page.goto(appUrl);
  await page.getByRole("heading", { name: "Operator console" }).waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "overview");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: /Development wallet/ }).click();
  const address = await page.getByTestId("wallet-address").getAttribute("data-address", { timeout: TIMEOUT_MS });
  await page.goto(`${appUrl}/users`);
  await page.getByRole("button", { name: "Sign in with wallet" }).click({ timeout: TIMEOUT_MS });
  const signedIn = page.getByTestId("signed-in");
  await signedIn.waitFor({ timeout: TIMEOUT_MS });
  return { walletAddress: address, signedInRole: await signedIn.getAttribute("data-role") };
}

async function changeRole(page) {
  await open(page, "/users");
  await page.getByLabel("Wallet prefix").fill(process.env.TARGET_WALLET);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.locator(`[data-testid="user-row"][data-wallets~="${process.env.TARGET_WALLET}"]`);
  await page.getByTestId("users-count").and(page.locator('[data-count="1"]')).waitFor({ timeout: TIMEOUT_MS });
  const before = await row.getAttribute("data-role");
  await row.getByRole("button", { name: /^Manage/ }).click();
  const actions = page.getByTestId("user-actions");
  await actions.getByLabel("New role").selectOption(process.env.NEW_ROLE);
  await actions.getByLabel(/^Reason/).fill(process.env.REASON);
  await actions.getByRole("button", { name: "Change role" }).click();
  const entry = actions.locator('[data-testid="audit-row"][data-action="user.role_changed"]');
  await entry.waitFor({ timeout: TIMEOUT_MS });
  await page.locator(`[data-testid="user-row"][data-wallets~="${process.env.TARGET_WALLET}"][data-role="${process.env.NEW_ROLE}"]`).waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "users");
  // Deactivate, then reactivate, each with its reason.
  const toggled = {};
  for (const [button, action, active] of [["Deactivate", "user.deactivated", "false"], ["Reactivate", "user.reactivated", "true"]]) {
    await actions.getByLabel(/^Reason/).fill(`${process.env.REASON} (${button.toLowerCase()})`);
    await actions.getByRole("button", { name: button }).click();
    await actions.locator(`[data-testid="audit-row"][data-action="${action}"]`).waitFor({ timeout: TIMEOUT_MS });
    await page.locator(`[data-testid="user-row"][data-wallets~="${process.env.TARGET_WALLET}"][data-active="${active}"]`).waitFor({ timeout: TIMEOUT_MS });
    toggled[action] = await row.locator("td").nth(3).innerText();
  }
  return {
    toggled,
    before,
    after: await row.getAttribute("data-role"),
    userId: await row.getAttribute("data-user-id"),
    auditReason: await entry.getByTestId("audit-reason").innerText(),
    auditTarget: await entry.getAttribute("data-target"),
  };
}

async function auditLog(page) {
  await open(page, "/audit");
  await page.getByLabel(/^Action/).fill("user.*");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.locator('[data-testid="audit-row"][data-action="user.role_changed"]').first().waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "audit");
  const rows = await page.getByTestId("audit-row").evaluateAll((items) =>
    items.map((row) => ({ action: row.getAttribute("data-action"), target: row.getAttribute("data-target"), reason: row.querySelector('[data-testid="audit-reason"]')?.textContent })),
  );
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: TIMEOUT_MS }), page.getByRole("button", { name: "Export CSV" }).click()]);
  const csv = await readFile(await download.path(), "utf8");
  return { rows, csvName: download.suggestedFilename(), csv };
}

export async function approve(page) {
  await open(page, "/meters");
  const meterId = process.env.METER_ID;
  if (!meterId) {
    await page.getByTestId("meter-queue").waitFor({ timeout: TIMEOUT_MS });
    await shot(page, "meters");
    return null;
  }
  const item = page.locator(`[data-testid="registration"][data-meter-id="${meterId}"]`);
  await item.waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "meters");
  await item.getByLabel(/^Reason/).fill("site visit done: meter sealed");
  await item.getByRole("button", { name: "Approve (co-sign)" }).click();
  const approved = page.locator(`[data-testid="approved"][data-meter-id="${meterId}"]`);
  const failure = item.getByRole("alert");
  await approved.or(failure).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await approved.count())) return { error: await failure.innerText() };
  const signature = await approved.getAttribute("data-signature");
  // The request's durable-nonce account: its rent goes back to the owner, sent by this wallet.
  const decided = page.locator("li", { has: approved });
  await decided.getByRole("button", { name: /Return the nonce account/ }).click();
  const refunded = decided.getByText(/^Refund sent: /);
  await refunded.or(decided.getByRole("alert")).first().waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "meters-approved");
  const refund = (await refunded.count()) ? (await refunded.innerText()).replace("Refund sent: ", "") : { error: await decided.getByRole("alert").innerText() };
  return { signature, refund };
}

async function decode(page, signature) {
  await page.goto(`${appUrl}/transactions`);
  await page.getByLabel(/^Signature/).fill(signature);
  await page.getByRole("button", { name: "Decode" }).click();
  const result = page.getByTestId("transaction-result");
  await result.or(page.getByTestId("transaction-view").getByRole("alert")).first().waitFor({ timeout: TIMEOUT_MS });
  await shot(page, "transactions");
  if (!(await result.count())) return { error: await page.getByTestId("transaction-view").getByRole("alert").innerText() };
  return {
    status: await result.getAttribute("data-status"),
    instructions: await page.getByTestId("instruction").evaluateAll((items) =>
      items.map((item) => ({
        program: item.getAttribute("data-program"),
        name: item.getAttribute("data-name"),
        accounts: [...item.querySelectorAll('[data-testid="instruction-account"]')].map((row) => row.getAttribute("data-name")),
        args: Object.fromEntries([...item.querySelectorAll('[data-testid="instruction-arg"]')].map((row) => [row.getAttribute("data-name"), row.getAttribute("data-value")])),
      })),
    ),
  };
}

/** Market parameters: a new tick size with a reason. */
async function changeTick(page) {
  await open(page, "/market");
  const tick = page.getByTestId("market-tick");
  await tick.waitFor({ timeout: TIMEOUT_MS });
  const before = await tick.getAttribute("data-value");
  const wanted = (BigInt(before) * 2n).toString();
  await page.getByLabel(/^New tick/).fill(wanted);
  await page.getByLabel(/^Reason/).fill(`${process.env.REASON} (tick)`);
  await page.getByRole("button", { name: "Change parameters" }).click();
  await page.locator(`[data-testid="market-tick"][data-value="${wanted}"]`).waitFor({ timeout: TIMEOUT_MS });
  return { before, after: await tick.getAttribute("data-value") };
}

/** The other pages: what each shows once its data (or its error) is there. */
async function otherPages(page) {
  const shown = {};
  const pages = [
    ["market", '[data-testid="market-tick"]'],
    ["analytics", '[data-testid="analytics-users"]'],
    ["health", '[data-testid="health-metric"]'],
    ["simulator", '[data-testid="simulator-state"]'],
    ["security", '[data-testid="audit-row"]'],
  ];
  for (const [path, ready] of pages) {
    await open(page, `/${path}`);
    const alert = page.locator("main [role=alert]");
    // Its data, or (a route failing) only its error: then the alerts say what happened.
    await page
      .locator(ready)
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(() => undefined);
    if (path === "health") {
      // Two polls: the sparklines have a history.
      await page.waitForTimeout(6_500);
    }
    await shot(page, path);
    shown[path] = {
      ready: (await page.locator(ready).count()) > 0,
      alerts: await alert.allInnerTexts(),
      text: (await page.locator("main").innerText()).slice(0, 4000),
    };
  }
  shown.analyticsRoles = await page.goto(`${appUrl}/analytics`).then(async () => {
    await page.locator('[data-testid="analytics-user-row"]').first().waitFor({ timeout: TIMEOUT_MS });
    return page.locator('[data-testid="analytics-user-row"]').evaluateAll((rows) => Object.fromEntries(rows.map((row) => [row.getAttribute("data-role"), row.getAttribute("data-count")])));
  });
  return shown;
}

/** The users and pipeline pages on a phone-sized screen: how far each is wider than the screen. */
async function phoneLayout(page) {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = {};
  for (const path of ["users", "health"]) {
    await open(page, `/${path}`);
    await page.locator(path === "users" ? '[data-testid="users-count"]' : '[data-testid="health-metric"]').first().waitFor({ timeout: TIMEOUT_MS });
    await shot(page, `${path}-phone`);
    overflow[path] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  }
  // The light and dark themes (the system's colour scheme), on a desktop screen: the page
  // background as RGB (drawn on a canvas, whatever colour space the style uses).
  await page.setViewportSize({ width: 1280, height: 900 });
  const background = () =>
    page.evaluate(() => {
      const context = document.createElement("canvas").getContext("2d");
      context.fillStyle = getComputedStyle(document.querySelector("main").parentElement).backgroundColor;
      context.fillRect(0, 0, 1, 1);
      return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    });
  const themes = {};
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page, "/users");
    await page.getByTestId("users-count").waitFor({ timeout: TIMEOUT_MS });
    await shot(page, `users-${scheme}`);
    themes[scheme] = await background();
  }
  return { overflowPx: overflow, backgroundRgb: themes };
}

/** The development wallet holds `secret` (base58) from the first page load on. */
export async function useOperatorKey(context, secret) {
  await context.addInitScript((secret) => {
    if (secret && !window.localStorage.getItem("gridtokenx.devWallet.secretKey")) {
      window.localStorage.setItem("gridtokenx.devWallet.secretKey", secret);
    }
  }, secret ?? "");
}

// Run as a script (the admin console test); imported, only the functions above (journey.mjs).
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { context, external, errors, firstPage } = await launchRecorded(chromium, process.env.PROFILE_DIR);
  await useOperatorKey(context, process.env.OPERATOR_SECRET);
  try {
    const page = await firstPage();
    const session = await signIn(page);
    const roleChange = await changeRole(page);
    const auditPage = await auditLog(page);
    const approved = await approve(page);
    const signature = approved?.signature || process.env.SIGNATURE;
    const transaction = signature ? await decode(page, signature) : null;
    const tick = await changeTick(page);
    const pages = await otherPages(page);
    const phone = await phoneLayout(page);
    process.stdout.write(JSON.stringify({ ...session, roleChange, auditPage, approved, transaction, tick, pages, phone, externalRequests: external, pageErrors: errors }) + "\n");
  } finally {
    await context.close();
  }
}
