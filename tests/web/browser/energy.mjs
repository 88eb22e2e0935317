// Drives Debian's Chromium through the trading app's energy page (playwright-core, never a
// downloaded browser). Called by tests/web/test_trading_energy.py, one phase per call; the
// browser profile (the development wallet's key in localStorage) persists between phases.
//
//   node energy.mjs connect → {"address", "secretKey"} of the development wallet, connected on
//                             /energy
//   node energy.mjs request → signs in and requests a meter in zone EXPECT.zone: first with
//                             invalid input (what the form says, and whether anything was
//                             posted), then valid with a device key generated in the page →
//                             {"before": {requestId, meterId, status, statusText, device keys}}
//                             at once; then, once the test wrote EXPECT_FILE ({meterId,
//                             mintSignature, mintedWh, producedWh}), what the same page (no reload) shows: the status,
//                             the meter, its production, its mints, the month's statement and
//                             its CSV and PDF downloads
//   node energy.mjs rejected → requests another meter with the device key EXPECT.deviceKey →
//                             {"before": ...}; once EXPECT_FILE exists, what the page says of it
//                             after the test rejected it
//
// Environment: GRIDTOKENX_WEB_DIR (the npm workspace), APP_URL, PROFILE_DIR, ARTIFACT_DIR,
// EXPECT (JSON), EXPECT_FILE.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

import { TIMEOUT_MS, launchRecorded } from "./chromium.mjs";
import { expectation } from "./expectation.mjs";

const require = createRequire(join(process.env.GRIDTOKENX_WEB_DIR, "package.json"));
const { chromium } = require("playwright-core");

const appUrl = process.env.APP_URL;
const artifacts = process.env.ARTIFACT_DIR;
const energyUrl = new URL("/energy", appUrl).toString();

async function connect(page) {
  await page.goto(energyUrl);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: /Development wallet/ }).click();
  const address = page.getByTestId("wallet-address");
  await address.waitFor({ timeout: TIMEOUT_MS });
  return {
    address: await address.getAttribute("data-address"),
    secretKey: await page.evaluate(() => window.localStorage.getItem("gridtokenx.devWallet.secretKey")),
  };
}

/** Waits (at most the drivers' limit) until `selector` matches; whether it came is for the test
 * to judge from what the page shows afterwards. */
async function settle(page, selector) {
  await page.locator(selector).first().waitFor({ timeout: TIMEOUT_MS }).catch(() => undefined);
}

async function signIn(page) {
  await page.goto(energyUrl);
  await page.getByTestId("wallet-address").waitFor({ timeout: TIMEOUT_MS });
  const button = page.getByRole("button", { name: "Sign in with wallet" });
  const signedIn = page.getByTestId("signed-in");
  await signedIn.or(button).first().waitFor({ timeout: TIMEOUT_MS });
  if (!(await signedIn.count())) await button.click();
  await signedIn.waitFor({ timeout: TIMEOUT_MS });
}

/** A download started by clicking `testId`: its file name and its bytes. */
async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent("download", { timeout: TIMEOUT_MS }), page.getByTestId(testId).click()]);
  const bytes = await readFile(await file.path());
  return { name: file.suggestedFilename(), bytes };
}

async function request(page) {
  const { zone } = JSON.parse(process.env.EXPECT);
  const posted = [];
  page.on("request", (sent) => {
    if (sent.method() === "POST" && new URL(sent.url()).pathname.startsWith("/v1/me/meter-registrations")) posted.push(new URL(sent.url()).pathname);
  });
  const tokens = [];
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    if ((path === "/v1/auth/sign-in" || path === "/v1/auth/refresh") && response.ok()) tokens.push((await response.json()).access_token);
  });
  await signIn(page);
  const open = page.getByTestId("meter-request-open");
  await page.locator("[data-testid=meter-request-open]:not([disabled])").waitFor({ timeout: TIMEOUT_MS });
  await open.click();
  const form = page.getByTestId("meter-request-form");
  const zones = await form.getByLabel("Zone").locator("option").evaluateAll((options) => options.map((option) => option.value));

  // Invalid input: explained next to each field, nothing signed or sent.
  await form.getByLabel("Meter name").fill("");
  await form.getByLabel("Rated export power (kW)").fill("lots");
  await form.getByLabel("Device public key (base58, optional)").fill("0OIl-not-a-key");
  await form.getByTestId("meter-request-submit").click();
  const fieldErrors = page.getByTestId("meter-request-field-error");
  await fieldErrors.first().waitFor({ timeout: TIMEOUT_MS });
  const invalid = {
    fields: await fieldErrors.evaluateAll((errors) => errors.map((error) => error.getAttribute("data-field"))),
    texts: await fieldErrors.allInnerTexts(),
    exportInvalid: await form.getByLabel("Rated export power (kW)").getAttribute("aria-invalid"),
    posted: posted.length,
  };
  await page.screenshot({ path: join(artifacts, "trading-energy-request-invalid.png"), fullPage: true });

  // Valid, from the keyboard: the device key left blank is generated in the page.
  await form.getByLabel("Meter name").fill("Roof panels");
  await form.getByLabel("Zone").selectOption(String(zone));
  // The most a meter may declare (10 MW): the test's readings come seconds apart.
  await form.getByLabel("Rated export power (kW)").fill("10000");
  await form.getByLabel("Rated import power (kW)").fill("10000");
  await form.getByLabel("Device public key (base58, optional)").fill("");
  await form.getByTestId("meter-request-submit").focus();
  await page.keyboard.press("Enter");
  const status = page.getByTestId("meter-request-status");
  await page
    .locator("[data-testid=meter-request-status][data-status=pending_approval]")
    .or(page.getByTestId("meter-request-error"))
    .first()
    .waitFor({ timeout: TIMEOUT_MS });
  const error = page.getByTestId("meter-request-error");
  if (await error.count()) throw new Error(`the request failed: ${await error.getAttribute("data-code")}: ${await error.innerText()}`);
  const secret = page.getByTestId("meter-request-device-secret");
  const before = {
    zones,
    invalid,
    posted: [...posted],
    requestId: await status.getAttribute("data-request-id"),
    meterId: await status.getAttribute("data-meter-id"),
    status: await status.getAttribute("data-status"),
    statusText: await status.innerText(),
    devicePublicKey: await secret.getAttribute("data-public-key"),
    deviceSecretKey: await secret.getAttribute("data-secret-key"),
    rows: await page.getByTestId("meter-request-row").evaluateAll((rows) =>
      rows.map((row) => ({ requestId: row.getAttribute("data-request-id"), status: row.getAttribute("data-status"), zone: row.getAttribute("data-zone") })),
    ),
  };
  await page.screenshot({ path: join(artifacts, "trading-energy-request-pending.png"), fullPage: true });
  await page.getByTestId("meter-request-secret-dismiss").click();
  before.secretShownAfterDismiss = await secret.count();
  process.stdout.write(JSON.stringify({ before }) + "\n");

  const { meterId, mintSignature, mintedWh, producedWh } = await expectation();
  // The same page, no reload: the status follows the gateway.
  await page.locator("[data-testid=meter-request-status][data-status=approved]").waitFor({ timeout: TIMEOUT_MS });
  const approvedText = await status.innerText();
  const meter = page.locator(`[data-testid=meter-row][data-meter-id="${meterId}"]`);
  await meter.waitFor({ timeout: TIMEOUT_MS });
  await meter.getByRole("radio").check();
  const production = page.getByTestId("energy-production");
  await production.getByTestId("produced-wh").waitFor({ timeout: TIMEOUT_MS });
  // The page refreshes these on its own schedule: wait until they caught up with the chain and
  // the platform's records, then report what they show.
  await settle(page, `[data-testid=mint-row] [data-signature="${mintSignature}"]`);
  await settle(page, `[data-testid=meter-row][data-meter-id="${meterId}"][data-minted-wh="${mintedWh}"]`);
  await settle(page, `[data-testid=produced-wh][data-wh="${producedWh}"]`);
  const statement = page.getByTestId("statement");
  await statement.getByTestId("statement-loaded").waitFor({ timeout: TIMEOUT_MS });
  await settle(page, `[data-testid=statement-figure][data-figure=energy_minted][data-value="${BigInt(mintedWh) * 1000n}"]`);
  await page.screenshot({ path: join(artifacts, "trading-energy.png"), fullPage: true });
  const figures = Object.fromEntries(
    await statement.getByTestId("statement-figure").evaluateAll((rows) => rows.map((row) => [row.getAttribute("data-figure"), row.getAttribute("data-value")])),
  );
  const csv = await download(page, "statement-download-csv");
  const pdf = await download(page, "statement-download-pdf");
  // A phone, in the dark theme: nothing wider than the screen.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, "trading-energy-phone-dark.png"), fullPage: true });
  const phoneOverflowPx = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });
  await production.getByRole("button", { name: "week" }).click();
  const weekPressed = await production.getByRole("button", { name: "week" }).getAttribute("aria-pressed");
  await production.getByTestId("produced-wh").waitFor({ timeout: TIMEOUT_MS });
  return {
    before,
    approvedText,
    meter: {
      status: await meter.getAttribute("data-status"),
      zone: await meter.getAttribute("data-zone"),
      mintedWh: await meter.getAttribute("data-minted-wh"),
    },
    producedWh: await production.getByTestId("produced-wh").getAttribute("data-wh"),
    source: await production.getByTestId("energy-source").getAttribute("data-source"),
    chartPeriods: await production.getByTestId("energy-chart").getAttribute("data-periods"),
    weekPressed,
    phoneOverflowPx,
    mints: await page.getByTestId("mint-row").evaluateAll((rows) =>
      rows.map((row) => ({ status: row.getAttribute("data-status"), signature: row.querySelector("[data-testid=signature]")?.getAttribute("data-signature") })),
    ),
    statementMonth: await statement.getByTestId("statement-loaded").getAttribute("data-month"),
    figures,
    csv: { name: csv.name, text: csv.bytes.toString("utf8") },
    pdf: { name: pdf.name, head: pdf.bytes.subarray(0, 5).toString("latin1"), size: pdf.bytes.length },
    signIns: tokens.length,
    tokenInStorage: await page.evaluate(
      (tokens) => {
        const stored = JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }) + document.cookie;
        return tokens.some((token) => stored.includes(token));
      },
      tokens,
    ),
  };
}

/** A second request with the device key the test typed (EXPECT.deviceKey): no secret to show;
 * once the test rejected it (EXPECT_FILE), what the same page says. */
async function rejected(page) {
  const { zone, deviceKey } = JSON.parse(process.env.EXPECT);
  await signIn(page);
  await page.locator("[data-testid=meter-request-open]:not([disabled])").waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId("meter-request-open").click();
  const form = page.getByTestId("meter-request-form");
  await form.getByLabel("Meter name").fill("Balcony");
  await form.getByLabel("Meter kind").selectOption("3");
  await form.getByLabel("Zone").selectOption(String(zone));
  await form.getByLabel("Device public key (base58, optional)").fill(deviceKey);
  await form.getByTestId("meter-request-submit").click();
  const status = page.getByTestId("meter-request-status");
  await page
    .locator("[data-testid=meter-request-status][data-status=pending_approval]")
    .or(page.getByTestId("meter-request-error"))
    .first()
    .waitFor({ timeout: TIMEOUT_MS });
  const error = page.getByTestId("meter-request-error");
  if (await error.count()) throw new Error(`the request failed: ${await error.getAttribute("data-code")}: ${await error.innerText()}`);
  const before = {
    requestId: await status.getAttribute("data-request-id"),
    status: await status.getAttribute("data-status"),
    secretShown: await page.getByTestId("meter-request-device-secret").count(),
  };
  process.stdout.write(JSON.stringify({ before }) + "\n");
  await expectation();
  await page.locator("[data-testid=meter-request-status][data-status=rejected]").waitFor({ timeout: TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, "trading-energy-request-rejected.png"), fullPage: true });
  return {
    before,
    statusText: await status.innerText(),
    rows: await page.getByTestId("meter-request-row").evaluateAll((rows) =>
      rows.map((row) => ({ requestId: row.getAttribute("data-request-id"), status: row.getAttribute("data-status") })),
    ),
  };
}

const phases = { connect, request, rejected };
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
