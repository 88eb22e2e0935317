/**
 * USDC → local currency in integers only, as src/gridtokenx/oracle/valuation.py:
 * `minor = usdc × P(USDC/USD) × P(local per USD) × 10^digits / 10^6`, divided once, rounded down
 * (a displayed value never overstates).
 */

export interface Price {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const USDC_DECIMALS = 6;
const MAX_ABS_EXPONENT = 64;

export class ValuationError extends Error {
  override name = "ValuationError";
}

function checkPositive(price: Price, what: string): void {
  if (price.mantissa <= 0n) {
    throw new ValuationError(`${what}: price mantissa ${price.mantissa} is not above zero`);
  }
  if (Math.abs(price.exponent) > MAX_ABS_EXPONENT) {
    throw new ValuationError(`${what}: exponent ${price.exponent} is outside ±${MAX_ABS_EXPONENT}`);
  }
}

/** Local-currency minor units that `usdcBaseUnits` are worth, rounded toward zero. */
export function usdcToLocalMinor(
  usdcBaseUnits: bigint,
  usdcUsd: Price,
  fx: Price,
  inverted: boolean,
  minorUnitDigits: number,
): bigint {
  if (usdcBaseUnits < 0n) {
    throw new ValuationError(`a USDC amount cannot be negative (${usdcBaseUnits})`);
  }
  checkPositive(usdcUsd, "USDC/USD");
  checkPositive(fx, "FX");
  let numerator = usdcBaseUnits * usdcUsd.mantissa;
  let denominator = 1n;
  let power = usdcUsd.exponent + minorUnitDigits - USDC_DECIMALS;
  if (inverted) {
    denominator *= fx.mantissa;
    power -= fx.exponent;
  } else {
    numerator *= fx.mantissa;
    power += fx.exponent;
  }
  if (power >= 0) {
    numerator *= 10n ** BigInt(power);
  } else {
    denominator *= 10n ** BigInt(-power);
  }
  return numerator / denominator;
}

/** Exact decimal text of a Pyth price, e.g. {3361250000n, -8} → "33.61250000". */
export function priceText(price: Price): string {
  const negative = price.mantissa < 0n;
  const digits = (negative ? -price.mantissa : price.mantissa).toString();
  const sign = negative ? "-" : "";
  if (price.exponent >= 0) {
    return sign + digits + "0".repeat(price.exponent);
  }
  const places = -price.exponent;
  const padded = digits.padStart(places + 1, "0");
  return `${sign}${padded.slice(0, -places)}.${padded.slice(-places)}`;
}
