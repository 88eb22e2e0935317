/** Both feeds of a USDC → local-currency quote as read, with their flags (pure). */
import type { AccountInfo } from "@solana/web3.js";

import { PYTH_RECEIVER_PROGRAM_ID } from "../chain/accounts";
import type { OracleConfig } from "../config/runtime";
import { assessFlags, decodePriceUpdate, raisedFlags, type PriceUpdate } from "./priceUpdate";
import { usdcToLocalMinor, type Price } from "./valuation";

export interface FeedReading {
  readonly name: string;
  readonly address: string;
  readonly update: PriceUpdate | null;
  /** Why the feed cannot be used: missing account, wrong owner or feed, raised flags. */
  readonly problems: readonly string[];
  readonly ageS: bigint | null;
}

export interface Quote {
  readonly currency: string;
  readonly minorUnitDigits: number;
  readonly usdcUsd: FeedReading;
  readonly fx: FeedReading;
  readonly inverted: boolean;
  /** Both prices, only when neither feed has a problem. */
  readonly prices: { readonly usdcUsd: Price; readonly fx: Price } | null;
}

/** The local-currency minor units `usdcBaseUnits` are worth (rounded down), or null if unusable. */
export function toLocalMinor(quote: Quote, usdcBaseUnits: bigint): bigint | null {
  if (!quote.prices) return null;
  return usdcToLocalMinor(usdcBaseUnits, quote.prices.usdcUsd, quote.prices.fx, quote.inverted, quote.minorUnitDigits);
}

export function readFeed(
  name: string,
  address: string,
  feedIdHex: string,
  account: AccountInfo<Uint8Array> | null,
  clusterTimeS: bigint,
  oracle: OracleConfig,
): FeedReading {
  if (!account) {
    return { name, address, update: null, problems: ["no price account on this cluster"], ageS: null };
  }
  if (!account.owner.equals(PYTH_RECEIVER_PROGRAM_ID)) {
    return { name, address, update: null, problems: [`owned by ${account.owner.toBase58()}, not the Pyth receiver`], ageS: null };
  }
  let update: PriceUpdate;
  try {
    update = decodePriceUpdate(account.data);
  } catch (error) {
    return { name, address, update: null, problems: [(error as Error).message], ageS: null };
  }
  if (update.feedId !== feedIdHex) {
    return { name, address, update, problems: [`holds feed ${update.feedId}, not ${feedIdHex}`], ageS: null };
  }
  if (update.publishTime === 0n) {
    return { name, address, update, problems: ["never published"], ageS: null };
  }
  const flags = assessFlags(update, clusterTimeS, oracle);
  return { name, address, update, problems: raisedFlags(flags), ageS: clusterTimeS - update.publishTime };
}

export function makeQuote(usdcUsd: FeedReading, fx: FeedReading, oracle: OracleConfig): Quote {
  const usable = usdcUsd.problems.length === 0 && fx.problems.length === 0;
  const prices =
    usable && usdcUsd.update && fx.update
      ? {
          usdcUsd: { mantissa: usdcUsd.update.price, exponent: usdcUsd.update.exponent },
          fx: { mantissa: fx.update.price, exponent: fx.update.exponent },
        }
      : null;
  return {
    currency: oracle.currency,
    minorUnitDigits: oracle.minorUnitDigits,
    usdcUsd,
    fx,
    inverted: oracle.inverted,
    prices,
  };
}
