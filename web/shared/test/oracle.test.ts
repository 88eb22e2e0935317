import { PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";

import { fromHex } from "../src/chain/bytes";
import { PYTH_RECEIVER_PROGRAM_ID } from "../src/chain/accounts";
import type { OracleConfig } from "../src/config/runtime";
import {
  PRICE_UPDATE_V2_DISCRIMINATOR,
  PriceUpdateError,
  assessFlags,
  decodePriceUpdate,
  raisedFlags,
  type PriceUpdate,
} from "../src/oracle/priceUpdate";
import { makeQuote, readFeed, toLocalMinor } from "../src/oracle/quote";
import { ValuationError, priceText, usdcToLocalMinor } from "../src/oracle/valuation";

/** PriceUpdate(..., Partial 5 signatures, feed 00..1f, -123456789, conf 42, -8, 1700000000, ...)
 * .encode() from src/gridtokenx/oracle/price_update.py. */
const PARTIAL_FROM_PYTHON =
  "22f123639d7ef4cd0cb7fabb52f7a648bb5b317d9a018b9057cb024774fafe01e6c4df98cc3858810005000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1feb32a4f8ffffffff2a00000000000000f8ffffff00f1536500000000fff0536500000000630000000000000007000000000000002b02000000000000";
const FEED = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

function fullUpdate(price: bigint, conf: bigint, exponent: number, publishTime: bigint, feed = FEED): Uint8Array {
  const data = new Uint8Array(134);
  const view = new DataView(data.buffer);
  data.set(PRICE_UPDATE_V2_DISCRIMINATOR, 0);
  data[40] = 1;
  data.set(fromHex(feed), 41);
  view.setBigInt64(73, price, true);
  view.setBigUint64(81, conf, true);
  view.setInt32(89, exponent, true);
  view.setBigInt64(93, publishTime, true);
  return data;
}

const ORACLE: OracleConfig = {
  currency: "THB",
  minorUnitDigits: 2,
  inverted: false,
  usdcUsdFeedId: FEED,
  fxFeedId: "ff".repeat(32),
  fxName: "USD/THB",
  maxAgeS: 60,
  maxConfidenceBps: 200,
  allowPartialVerification: false,
  shardId: 0,
  priceAccounts: {},
};

describe("decodePriceUpdate", () => {
  it("has Anchor's discriminator", () => {
    expect(Buffer.from(PRICE_UPDATE_V2_DISCRIMINATOR).toString("hex")).toBe("22f123639d7ef4cd");
  });

  it("reads the bytes the Python encoder writes (Partial: every field one byte later)", () => {
    const update = decodePriceUpdate(fromHex(PARTIAL_FROM_PYTHON));
    expect(update.fullyVerified).toBe(false);
    expect(update.numSignatures).toBe(5);
    expect(update.feedId).toBe(FEED);
    expect(update.price).toBe(-123_456_789n);
    expect(update.conf).toBe(42n);
    expect(update.exponent).toBe(-8);
    expect(update.publishTime).toBe(1_700_000_000n);
    expect(update.prevPublishTime).toBe(1_699_999_999n);
    expect(update.emaPrice).toBe(99n);
    expect(update.emaConf).toBe(7n);
    expect(update.postedSlot).toBe(555n);
    expect(new PublicKey(update.writeAuthority).equals(PYTH_RECEIVER_PROGRAM_ID)).toBe(true);
  });

  it("reads a Full update", () => {
    const update = decodePriceUpdate(fullUpdate(100_000_000n, 10_000n, -8, 1_000n));
    expect(update.fullyVerified).toBe(true);
    expect(update.price).toBe(100_000_000n);
    expect(update.exponent).toBe(-8);
    expect(update.publishTime).toBe(1_000n);
  });

  it("refuses foreign, short and unknown-tag data", () => {
    const foreign = fullUpdate(1n, 0n, 0, 0n);
    foreign[0] = 0;
    expect(() => decodePriceUpdate(foreign)).toThrow(PriceUpdateError);
    expect(() => decodePriceUpdate(fullUpdate(1n, 0n, 0, 0n).slice(0, 40))).toThrow(PriceUpdateError);
    expect(() => decodePriceUpdate(fullUpdate(1n, 0n, 0, 0n).slice(0, 100))).toThrow(PriceUpdateError);
    const tag = fullUpdate(1n, 0n, 0, 0n);
    tag[40] = 2;
    expect(() => decodePriceUpdate(tag)).toThrow(PriceUpdateError);
  });
});

describe("assessFlags (as quotes.py)", () => {
  const policy = { maxAgeS: 60, maxConfidenceBps: 200, allowPartialVerification: false };
  const update = (price: bigint, conf: bigint, publishTime: bigint, full = true): PriceUpdate => ({
    ...decodePriceUpdate(fullUpdate(price, conf, -8, publishTime)),
    fullyVerified: full,
  });

  it("flags stale strictly after max age by the cluster clock", () => {
    expect(assessFlags(update(100n, 0n, 1_000n), 1_060n, policy).stale).toBe(false);
    expect(assessFlags(update(100n, 0n, 1_000n), 1_061n, policy).stale).toBe(true);
  });

  it("flags low confidence strictly above the ratio, and any price ≤ 0", () => {
    expect(assessFlags(update(10_000n, 200n, 0n), 0n, policy).lowConfidence).toBe(false);
    expect(assessFlags(update(10_000n, 201n, 0n), 0n, policy).lowConfidence).toBe(true);
    expect(assessFlags(update(0n, 0n, 0n), 0n, policy).lowConfidence).toBe(true);
    expect(assessFlags(update(-5n, 0n, 0n), 0n, policy).lowConfidence).toBe(true);
  });

  it("flags partial verification unless allowed", () => {
    expect(assessFlags(update(1n, 0n, 0n, false), 0n, policy).partialVerification).toBe(true);
    expect(assessFlags(update(1n, 0n, 0n, false), 0n, { ...policy, allowPartialVerification: true }).partialVerification).toBe(false);
    expect(raisedFlags({ stale: true, lowConfidence: true, partialVerification: true })).toEqual([
      "stale",
      "low confidence",
      "partially verified",
    ]);
  });
});

describe("usdcToLocalMinor (same results as valuation.py, rounded down)", () => {
  it.each([
    [1_000_000n, 99_990_000n, -8, 3_361_250_000n, -8, false, 3360n],
    [123_456_789n, 100_010_000n, -8, 108_500n, -5, true, 11_379n],
    [1n, 1n, 0, 1n, 0, false, 0n],
    [0n, 1n, 0, 1n, 0, false, 0n],
    [1_000_000n, 1n, 0, 1n, 0, false, 100n],
  ])("%s USDC base units → %s", (usdc, usdcMantissa, usdcExponent, fxMantissa, fxExponent, inverted, expected) => {
    const result = usdcToLocalMinor(
      usdc,
      { mantissa: usdcMantissa, exponent: usdcExponent },
      { mantissa: fxMantissa, exponent: fxExponent },
      inverted,
      2,
    );
    expect(result).toBe(expected);
  });

  it("refuses negative amounts and unusable prices", () => {
    const one = { mantissa: 1n, exponent: 0 };
    expect(() => usdcToLocalMinor(-1n, one, one, false, 2)).toThrow(ValuationError);
    expect(() => usdcToLocalMinor(1n, { mantissa: 0n, exponent: 0 }, one, false, 2)).toThrow(ValuationError);
    expect(() => usdcToLocalMinor(1n, one, { mantissa: 1n, exponent: 65 }, false, 2)).toThrow(ValuationError);
  });

  it("prints exact price text", () => {
    expect(priceText({ mantissa: 3_361_250_000n, exponent: -8 })).toBe("33.61250000");
    expect(priceText({ mantissa: 5n, exponent: -3 })).toBe("0.005");
    expect(priceText({ mantissa: -5n, exponent: -1 })).toBe("-0.5");
    expect(priceText({ mantissa: 12n, exponent: 2 })).toBe("1200");
  });
});

describe("quotes", () => {
  const account = (data: Uint8Array, owner = PYTH_RECEIVER_PROGRAM_ID) => ({
    data,
    owner,
    lamports: 1,
    executable: false,
    rentEpoch: 0,
  });

  it("values USDC only when both feeds are usable", () => {
    const usdc = readFeed("USDC/USD", "a", FEED, account(fullUpdate(100_000_000n, 0n, -8, 1_000n)), 1_010n, ORACLE);
    const fx = readFeed(
      "USD/THB",
      "b",
      ORACLE.fxFeedId,
      account(fullUpdate(3_361_250_000n, 1_000n, -8, 1_000n, ORACLE.fxFeedId)),
      1_010n,
      ORACLE,
    );
    expect(usdc.ageS).toBe(10n);
    const quote = makeQuote(usdc, fx, ORACLE);
    expect(toLocalMinor(quote, 1_000_000n)).toBe(3_361n);
    const stale = readFeed("USD/THB", "b", ORACLE.fxFeedId, account(fullUpdate(3_361_250_000n, 0n, -8, 900n, ORACLE.fxFeedId)), 1_010n, ORACLE);
    expect(stale.problems).toEqual(["stale"]);
    expect(toLocalMinor(makeQuote(usdc, stale, ORACLE), 1_000_000n)).toBeNull();
  });

  it("says when a feed was never published rather than how old the epoch is", () => {
    const never = readFeed("USDC/USD", "a", FEED, account(fullUpdate(0n, 0n, 0, 0n)), 1_763_000_000n, ORACLE);
    expect(never.problems).toEqual(["never published"]);
    expect(never.ageS).toBeNull();
  });

  it("refuses missing accounts, look-alikes and other feeds", () => {
    expect(readFeed("USDC/USD", "a", FEED, null, 0n, ORACLE).problems).toEqual(["no price account on this cluster"]);
    const lookalike = readFeed("USDC/USD", "a", FEED, account(fullUpdate(1n, 0n, 0, 0n), PublicKey.default), 0n, ORACLE);
    expect(lookalike.problems[0]).toMatch(/not the Pyth receiver/);
    const other = readFeed("USDC/USD", "a", FEED, account(fullUpdate(1n, 0n, 0, 0n, "ab".repeat(32))), 0n, ORACLE);
    expect(other.problems[0]).toMatch(/holds feed abab/);
  });
});
