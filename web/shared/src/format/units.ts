/**
 * Base-unit amounts as exact decimal text, and back: bigint only, never a float.
 *
 * GXT and USDC have 6 decimals (1 GXT = 1 kWh, so 1 Wh = 1 000 GXT base units); prices are USDC
 * base units per kWh (per 10^6 GXT base units); energy on meters is in Wh.
 */

export const TOKEN_DECIMALS = 6;
export const GXT_BASE_UNITS_PER_WH = 1_000n;
export const LAMPORTS_DECIMALS = 9;

export interface FormatOptions {
  /** Digits after the point to keep (truncating toward zero); default: all of them. */
  readonly maxFractionDigits?: number;
  /** Digits after the point always shown (padded with zeros); default 0. */
  readonly minFractionDigits?: number;
  /** Separate thousands with a thin space-free comma; default true. */
  readonly group?: boolean;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `amount / 10^decimals` as exact decimal text, e.g. (1234567n, 6) → "1.234567". */
export function formatBaseUnits(
  amount: bigint,
  decimals: number,
  options: FormatOptions = {},
): string {
  if (!Number.isInteger(decimals) || decimals < 0) {
    throw new RangeError(`decimals must be a non-negative integer, got ${decimals}`);
  }
  const maxFraction = options.maxFractionDigits ?? decimals;
  const minFraction = Math.min(options.minFractionDigits ?? 0, maxFraction);
  if (!Number.isInteger(maxFraction) || maxFraction < 0 || !Number.isInteger(minFraction) || minFraction < 0) {
    throw new RangeError("fraction digits must be non-negative integers");
  }
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = magnitude / scale;
  let fraction = (magnitude % scale).toString().padStart(decimals, "0");
  fraction = fraction.slice(0, maxFraction).replace(/0+$/, "");
  fraction = fraction.padEnd(minFraction, "0");
  const wholeText = options.group === false ? whole.toString() : groupThousands(whole.toString());
  const truncatedToZero = whole === 0n && /^0*$/.test(fraction);
  const sign = negative && !truncatedToZero ? "-" : "";
  return fraction ? `${sign}${wholeText}.${fraction}` : `${sign}${wholeText}`;
}

/** Exact decimal text to base units; refuses more decimals than the unit has, signs, exponents. */
export function parseBaseUnits(text: string, decimals: number): bigint {
  const trimmed = text.trim().replaceAll(",", "");
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!match || trimmed === "" || trimmed === "." ) {
    throw new SyntaxError(`"${text}" is not a decimal amount`);
  }
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) {
    throw new RangeError(`"${text}" has more than ${decimals} decimal places`);
  }
  return BigInt((whole || "0") + fraction.padEnd(decimals, "0"));
}

export function formatGxt(baseUnits: bigint, options?: FormatOptions): string {
  return `${formatBaseUnits(baseUnits, TOKEN_DECIMALS, options)} GXT`;
}

export function formatUsdc(baseUnits: bigint, options?: FormatOptions): string {
  return `${formatBaseUnits(baseUnits, TOKEN_DECIMALS, options)} USDC`;
}

export function formatSol(lamports: bigint, options?: FormatOptions): string {
  return `${formatBaseUnits(lamports, LAMPORTS_DECIMALS, options)} SOL`;
}

/** Energy in Wh, shown in kWh (exact: 3 decimals) or MWh at and above 1 MWh. */
export function formatWh(wh: bigint): string {
  const magnitude = wh < 0n ? -wh : wh;
  if (magnitude >= 1_000_000n) {
    return `${formatBaseUnits(wh, 6)} MWh`;
  }
  return `${formatBaseUnits(wh, 3)} kWh`;
}

export function gxtBaseUnitsToWh(baseUnits: bigint): bigint {
  return baseUnits / GXT_BASE_UNITS_PER_WH;
}

/** A price in USDC base units per kWh, e.g. 150000n → "0.15 USDC/kWh". */
export function formatPricePerKwh(usdcBaseUnitsPerKwh: bigint, options?: FormatOptions): string {
  return `${formatBaseUnits(usdcBaseUnitsPerKwh, TOKEN_DECIMALS, options)} USDC/kWh`;
}

/** A local-currency amount in minor units (satang, cents), e.g. (12345n, 2, "THB") → "123.45 THB". */
export function formatLocalMinor(minor: bigint, minorUnitDigits: number, currency: string): string {
  return `${formatBaseUnits(minor, minorUnitDigits, { minFractionDigits: minorUnitDigits })} ${currency}`;
}

/**
 * What a buy order locks: `ceil(price × quantity / 10^6)` USDC base units (docs/onchain.md).
 */
export function buyEscrow(priceUsdcPerKwh: bigint, quantityGxt: bigint): bigint {
  const scale = 10n ** BigInt(TOKEN_DECIMALS);
  const product = priceUsdcPerKwh * quantityGxt;
  return (product + scale - 1n) / scale;
}

/** The USDC a fill of `quantity` at `price` costs the buyer: `floor(p × q / 10^6)`. */
export function fillNotional(priceUsdcPerKwh: bigint, quantityGxt: bigint): bigint {
  return (priceUsdcPerKwh * quantityGxt) / 10n ** BigInt(TOKEN_DECIMALS);
}

/**
 * The most GXT base units an order can offer: all the GXT held for a sell; for a buy the largest
 * quantity whose escrow fits the USDC held (`ceil(p × q / 10^6) ≤ usdc` ⇔ `q ≤ usdc × 10^6 / p`).
 */
export function maxOrderQuantity(side: "buy" | "sell", priceUsdcPerKwh: bigint, gxt: bigint, usdc: bigint): bigint {
  if (side === "sell") return gxt;
  if (priceUsdcPerKwh <= 0n) return 0n;
  return (usdc * 10n ** BigInt(TOKEN_DECIMALS)) / priceUsdcPerKwh;
}
