/**
 * The runtime configuration every app fetches from its own `/api/config` route: the platform's
 * cluster, the bootstrapped addresses (the chain's addresses file, read on every request, so a
 * re-bootstrapped chain needs no rebuild) and the oracle settings.
 */

export interface ChainAddresses {
  readonly rpc_url: string;
  readonly genesis_hash: string;
  readonly local: boolean;
  readonly registry_program: string;
  readonly trading_program: string;
  readonly gxt_mint: string;
  readonly quote_mint: string;
  readonly market: string;
  readonly fee_bps: number;
  /** Local node only: Pyth feed id (hex) → its PriceUpdateV2 account. */
  readonly price_feeds: Readonly<Record<string, string>>;
}

export interface OracleConfig {
  readonly currency: string;
  readonly minorUnitDigits: number;
  /** True when the FX feed quotes USD per local unit (EUR/USD). */
  readonly inverted: boolean;
  readonly usdcUsdFeedId: string;
  readonly fxFeedId: string;
  readonly fxName: string;
  readonly maxAgeS: number;
  readonly maxConfidenceBps: number;
  readonly allowPartialVerification: boolean;
  readonly shardId: number;
  /** Explicit price accounts per feed id, overriding derived ones. */
  readonly priceAccounts: Readonly<Record<string, string>>;
}

export interface RuntimeConfig {
  /** The platform's own cluster (the local node unless configured otherwise). */
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly gatewayUrl: string;
  readonly addresses: ChainAddresses | null;
  /** Why `addresses` is null (chain not bootstrapped yet, unreadable file). */
  readonly addressesError: string | null;
  readonly oracle: OracleConfig;
}

export async function fetchRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch("/api/config", { cache: "no-store" });
  if (!response.ok) {
    throw new Error(`/api/config answered ${response.status}`);
  }
  return (await response.json()) as RuntimeConfig;
}
