import { describe, expect, it } from "vitest";

import { fromBase64, jsonWithBigints, toBase64 } from "../src/api/gateway";

describe("jsonWithBigints", () => {
  it("writes bigints as exact integer literals, beyond 2^53 too", () => {
    const text = jsonWithBigints({ side: "sell", price_per_kwh: 100_000n, quantity: 18_446_744_073_709_551_615n, expiry_s: 0 });
    expect(text).toBe('{"side":"sell","price_per_kwh":100000,"quantity":18446744073709551615,"expiry_s":0}');
  });

  it("writes everything else as JSON.stringify does", () => {
    const value = { note: "\u000012\u0000 \"quoted\"", list: [1, null, true, { deep: 12n }], skipped: undefined };
    expect(jsonWithBigints(value)).toBe(JSON.stringify({ ...value, list: [1, null, true, { deep: 12 }] }));
  });
});

describe("base64", () => {
  it("round-trips every byte value", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });
});
