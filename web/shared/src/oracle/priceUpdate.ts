/**
 * Pyth's PriceUpdateV2 account, decoded byte for byte: the same layout and checks as
 * src/gridtokenx/oracle/price_update.py and quotes.py (the web reads the account the gateway reads).
 *
 * 0 discriminator[8] · 8 write_authority[32] · 40 verification tag (0 Partial, 1 Full) ·
 * 41 num_signatures (Partial only) · then feed_id[32], price i64, conf u64, exponent i32,
 * publish_time i64, prev_publish_time i64, ema_price i64, ema_conf u64, posted_slot u64.
 */
import { accountDiscriminator } from "../chain/discriminator";
import { equalBytes, readI32, readI64, readU64, requireLength, toHex } from "../chain/bytes";

export const PRICE_UPDATE_V2_DISCRIMINATOR = accountDiscriminator("PriceUpdateV2");
const TAG_OFFSET = 40;
const MESSAGE_LEN = 32 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 8;

export interface PriceUpdate {
  readonly writeAuthority: Uint8Array;
  readonly fullyVerified: boolean;
  readonly numSignatures: number;
  readonly feedId: string;
  /** Mantissa; the price is `price × 10^exponent`. */
  readonly price: bigint;
  readonly conf: bigint;
  readonly exponent: number;
  /** Unix seconds. */
  readonly publishTime: bigint;
  readonly prevPublishTime: bigint;
  readonly emaPrice: bigint;
  readonly emaConf: bigint;
  readonly postedSlot: bigint;
}

export class PriceUpdateError extends Error {
  override name = "PriceUpdateError";
}

export function decodePriceUpdate(data: Uint8Array): PriceUpdate {
  if (data.length < 8 || !equalBytes(data.slice(0, 8), PRICE_UPDATE_V2_DISCRIMINATOR)) {
    throw new PriceUpdateError("the account is not a Pyth PriceUpdateV2 (wrong discriminator)");
  }
  if (data.length <= TAG_OFFSET) {
    throw new PriceUpdateError(`a PriceUpdateV2 of ${data.length} bytes has no fields`);
  }
  const tag = data[TAG_OFFSET];
  let offset: number;
  let numSignatures = 0;
  if (tag === 1) {
    offset = TAG_OFFSET + 1;
  } else if (tag === 0 && data.length > TAG_OFFSET + 1) {
    numSignatures = data[TAG_OFFSET + 1] ?? 0;
    offset = TAG_OFFSET + 2;
  } else {
    throw new PriceUpdateError(`verification level tag ${String(tag)} is neither 0 (Partial) nor 1 (Full)`);
  }
  try {
    requireLength(data, offset + MESSAGE_LEN, "a PriceUpdateV2");
  } catch (error) {
    throw new PriceUpdateError((error as Error).message);
  }
  return {
    writeAuthority: data.slice(8, 40),
    fullyVerified: tag === 1,
    numSignatures,
    feedId: toHex(data.slice(offset, offset + 32)),
    price: readI64(data, offset + 32),
    conf: readU64(data, offset + 40),
    exponent: readI32(data, offset + 48),
    publishTime: readI64(data, offset + 52),
    prevPublishTime: readI64(data, offset + 60),
    emaPrice: readI64(data, offset + 68),
    emaConf: readU64(data, offset + 76),
    postedSlot: readU64(data, offset + 84),
  };
}

export interface PricePolicy {
  readonly maxAgeS: number;
  readonly maxConfidenceBps: number;
  readonly allowPartialVerification: boolean;
}

export interface PriceFlags {
  readonly stale: boolean;
  readonly lowConfidence: boolean;
  readonly partialVerification: boolean;
}

/** The flags quotes.py's `assess_flags` raises, judged against the cluster's clock. */
export function assessFlags(update: PriceUpdate, clusterTimeS: bigint, policy: PricePolicy): PriceFlags {
  const lowConfidence =
    update.price <= 0n || update.conf * 10_000n > BigInt(policy.maxConfidenceBps) * update.price;
  return {
    stale: clusterTimeS - update.publishTime > BigInt(policy.maxAgeS),
    lowConfidence,
    partialVerification: !update.fullyVerified && !policy.allowPartialVerification,
  };
}

export function raisedFlags(flags: PriceFlags): string[] {
  const names: string[] = [];
  if (flags.stale) names.push("stale");
  if (flags.lowConfidence) names.push("low confidence");
  if (flags.partialVerification) names.push("partially verified");
  return names;
}
