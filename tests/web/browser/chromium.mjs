// What every browser driver here shares: Debian's Chromium (never a downloaded browser), its
// headless flags, the drivers' wait limit, and a persistent context that records every request
// leaving 127.0.0.1 and every page error.

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-sync",
  "--no-first-run",
  "--metrics-recording-only",
];
export const TIMEOUT_MS = 60_000;

function isLocal(url) {
  const { protocol, hostname } = new URL(url);
  return protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1" || hostname === "localhost";
}

// `chromium` is playwright-core's, resolved by the caller from the web workspace.
export async function launchRecorded(chromium, profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const external = [];
  const errors = [];
  context.on("request", (request) => {
    if (!isLocal(request.url())) external.push(request.url());
  });
  async function firstPage() {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => errors.push(String(error)));
    return page;
  }
  return { context, external, errors, firstPage };
}
