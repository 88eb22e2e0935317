/**
 * Server side of `/api/config`: reads the runtime file the stack writes
 * (`GRIDTOKENX_WEB_RUNTIME_FILE`, see src/gridtokenx/stack/services/web.py) and the chain's
 * addresses file it names, on every request.
 */
import { readFile } from "node:fs/promises";

import type { ChainAddresses, OracleConfig, RuntimeConfig } from "./runtime";

interface RuntimeFile {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly gatewayUrl: string;
  readonly addressesFile: string;
  readonly oracle: OracleConfig;
}

async function readAddresses(path: string): Promise<ChainAddresses> {
  const document = JSON.parse(await readFile(path, "utf8")) as ChainAddresses & { version: number };
  if (document.version !== 1) {
    throw new Error(`${path} has format version ${String(document.version)}, expected 1`);
  }
  return { ...document, price_feeds: document.price_feeds ?? {} };
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const runtimePath = process.env.GRIDTOKENX_WEB_RUNTIME_FILE;
  if (!runtimePath) {
    throw new Error("GRIDTOKENX_WEB_RUNTIME_FILE is not set: start the app with `gridtokenx stack up`");
  }
  const runtime = JSON.parse(await readFile(runtimePath, "utf8")) as RuntimeFile;
  let addresses: ChainAddresses | null = null;
  let addressesError: string | null = null;
  try {
    addresses = await readAddresses(runtime.addressesFile);
  } catch (error) {
    addressesError =
      `no chain addresses at ${runtime.addressesFile} (${(error as Error).message}); ` +
      "bootstrap the chain with `gridtokenx stack up`";
  }
  return {
    rpcUrl: runtime.rpcUrl,
    wsUrl: runtime.wsUrl,
    gatewayUrl: runtime.gatewayUrl,
    addresses,
    addressesError,
    oracle: runtime.oracle,
  };
}

export async function configResponse(): Promise<Response> {
  try {
    return Response.json(await loadRuntimeConfig(), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 500 });
  }
}
