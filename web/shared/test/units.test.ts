import { describe, expect, it } from "vitest";

import {
  buyEscrow,
  fillNotional,
  formatBaseUnits,
  formatGxt,
  formatLocalMinor,
  formatPricePerKwh,
  formatSol,
  formatUsdc,
  formatWh,
  gxtBaseUnitsToWh,
  maxOrderQuantity,
  parseBaseUnits,
} from "../src/format/units";

describe("formatBaseUnits", () => {
  it.each([
    [0n, 6, "0"],
    [1n, 6, "0.000001"],
    [1_000_000n, 6, "1"],
    [1_234_567n, 6, "1.234567"],
    [1_200_000n, 6, "1.2"],
    [-1_500_000n, 6, "-1.5"],
    [1_234_567_890_000_000n, 6, "1,234,567,890"],
    [18_446_744_073_709_551_615n, 6, "18,446,744,073,709.551615"],
    [5n, 0, "5"],
    [1000n, 0, "1,000"],
  ])("%s at %s decimals is %s", (amount, decimals, text) => {
    expect(formatBaseUnits(amount, decimals)).toBe(text);
  });

  it("truncates toward zero and pads", () => {
    expect(formatBaseUnits(1_999_999n, 6, { maxFractionDigits: 2 })).toBe("1.99");
    expect(formatBaseUnits(-1_999_999n, 6, { maxFractionDigits: 2 })).toBe("-1.99");
    expect(formatBaseUnits(-1n, 6, { maxFractionDigits: 2 })).toBe("0");
    expect(formatBaseUnits(1_000_000n, 6, { minFractionDigits: 2 })).toBe("1.00");
    expect(formatBaseUnits(1234n, 3, { group: false })).toBe("1.234");
    expect(formatBaseUnits(1_234_000_000n, 3, { group: false })).toBe("1234000");
  });

  it("refuses bad digit counts", () => {
    expect(() => formatBaseUnits(1n, -1)).toThrow(RangeError);
    expect(() => formatBaseUnits(1n, 1.5)).toThrow(RangeError);
    expect(() => formatBaseUnits(1n, 6, { maxFractionDigits: -1 })).toThrow(RangeError);
  });

  it("round-trips through parseBaseUnits for every amount in a dense range and at the edges", () => {
    const amounts: bigint[] = [];
    for (let value = -2_000n; value <= 2_000n; value += 1n) amounts.push(value);
    for (let power = 0n; power < 20n; power += 1n) {
      amounts.push(10n ** power, 10n ** power - 1n, 10n ** power + 1n);
    }
    amounts.push(18_446_744_073_709_551_615n);
    for (const decimals of [0, 2, 3, 6, 9]) {
      for (const amount of amounts.filter((value) => value >= 0n)) {
        expect(parseBaseUnits(formatBaseUnits(amount, decimals), decimals)).toBe(amount);
      }
    }
  });
});

describe("parseBaseUnits", () => {
  it.each([
    ["1", 6, 1_000_000n],
    ["1.5", 6, 1_500_000n],
    [".5", 6, 500_000n],
    ["5.", 6, 5_000_000n],
    ["0.000001", 6, 1n],
    ["1,000.25", 2, 100_025n],
    ["  42  ", 0, 42n],
  ])("%s at %s decimals is %s", (text, decimals, amount) => {
    expect(parseBaseUnits(text, decimals)).toBe(amount);
  });

  it.each(["", ".", "-1", "1e6", "abc", "1.2.3", "+1", "0x10"])("refuses %j", (text) => {
    expect(() => parseBaseUnits(text, 6)).toThrow(SyntaxError);
  });

  it("refuses more decimals than the unit has", () => {
    expect(() => parseBaseUnits("0.0000001", 6)).toThrow(RangeError);
    expect(() => parseBaseUnits("1.5", 0)).toThrow(RangeError);
  });
});

describe("units", () => {
  it("names every unit", () => {
    expect(formatGxt(2_500_000n)).toBe("2.5 GXT");
    expect(formatUsdc(150_000n)).toBe("0.15 USDC");
    expect(formatSol(1_500_000_000n)).toBe("1.5 SOL");
    expect(formatPricePerKwh(150_000n)).toBe("0.15 USDC/kWh");
    expect(formatLocalMinor(12_345n, 2, "THB")).toBe("123.45 THB");
    expect(formatLocalMinor(100n, 2, "EUR")).toBe("1.00 EUR");
    expect(formatLocalMinor(7n, 0, "JPY")).toBe("7 JPY");
  });

  it("shows energy in kWh below 1 MWh and in MWh above", () => {
    expect(formatWh(0n)).toBe("0 kWh");
    expect(formatWh(1n)).toBe("0.001 kWh");
    expect(formatWh(1_500n)).toBe("1.5 kWh");
    expect(formatWh(999_999n)).toBe("999.999 kWh");
    expect(formatWh(1_000_000n)).toBe("1 MWh");
    expect(formatWh(2_345_678n)).toBe("2.345678 MWh");
    expect(formatWh(-1_500n)).toBe("-1.5 kWh");
  });

  it("converts GXT base units to Wh (1 Wh = 1 000 base units)", () => {
    expect(gxtBaseUnitsToWh(1_000_000n)).toBe(1_000n);
    expect(gxtBaseUnitsToWh(1_999n)).toBe(1n);
  });
});

describe("order maths (docs/onchain.md rounding)", () => {
  it("locks ceil(price × quantity / 10^6) for a buy", () => {
    expect(buyEscrow(150_000n, 1_000_000n)).toBe(150_000n);
    expect(buyEscrow(150_000n, 1n)).toBe(1n);
    expect(buyEscrow(1n, 999_999n)).toBe(1n);
    expect(buyEscrow(1n, 1_000_000n)).toBe(1n);
    expect(buyEscrow(1n, 1_000_001n)).toBe(2n);
    expect(buyEscrow(0n, 5n)).toBe(0n);
  });

  it("charges floor(price × quantity / 10^6) per fill, never above the escrow", () => {
    for (let price = 1n; price <= 300n; price += 7n) {
      for (let quantity = 1n; quantity <= 3_000_000n; quantity += 99_991n) {
        const notional = fillNotional(price, quantity);
        expect(notional).toBe((price * quantity) / 1_000_000n);
        expect(notional <= buyEscrow(price, quantity)).toBe(true);
        expect(buyEscrow(price, quantity) - notional <= 1n).toBe(true);
      }
    }
  });
});

describe("maxOrderQuantity", () => {
  it("offers all the GXT held for a sell", () => {
    expect(maxOrderQuantity("sell", 100_000n, 3_000_000n, 0n)).toBe(3_000_000n);
  });

  it("is the largest buy whose rounded-up escrow fits the USDC held", () => {
    for (const [price, usdc] of [
      [123_457n, 1_000_000n],
      [3n, 7n],
      [1_000_000n, 5n],
      [999_999n, 123_456_789n],
    ] as const) {
      const quantity = maxOrderQuantity("buy", price, 0n, usdc);
      expect(buyEscrow(price, quantity)).toBeLessThanOrEqual(usdc);
      expect(buyEscrow(price, quantity + 1n)).toBeGreaterThan(usdc);
    }
  });

  it("is zero without a price", () => {
    expect(maxOrderQuantity("buy", 0n, 0n, 10n)).toBe(0n);
  });
});
