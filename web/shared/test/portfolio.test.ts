import { describe, expect, it } from "vitest";

import { ledgerEntries, monthSummaries, overallTotals, pointsPerSecond, runningTotals, type Statement } from "../src/portfolio/earnings";

type Fill = Statement["fills"][number];
type Mint = Statement["mints"][number];

function fill(tradeId: bigint, side: "buy" | "sell", quantity: bigint, net: bigint, fee: bigint, savings: bigint, timestampMs: bigint): Fill {
  return {
    market: "M",
    trade_id: tradeId,
    side,
    order: "O",
    wallet: "W",
    price_per_kwh: 100_000n,
    quantity,
    timestamp_ms: timestampMs,
    status: "settled",
    settlement_signature: `sig-${tradeId.toString()}-${side}`,
    settled_slot: 1n,
    claim_signature: null,
    notional: net + fee,
    fee,
    net,
    tariff_period: "peak",
    tariff_price_per_kwh: 150_000n,
    tariff_value: 0n,
    savings,
    co2_avoided_g: 0n,
  };
}

function mint(signature: string, energy: bigint, timestampMs: bigint): Mint {
  return { meter_id: "m", wallet: "W", minted_wh: energy / 1_000n, energy, timestamp_ms: timestampMs, signature, co2_avoided_g: 0n };
}

function statement(month: string, fills: Fill[], mints: Mint[], totals: Partial<Statement["totals"]> = {}): Statement {
  return {
    month,
    fills,
    mints,
    totals: {
      received_net: 0n,
      paid: 0n,
      fees: 0n,
      savings_total: 0n,
      energy_sold: 0n,
      energy_bought: 0n,
      energy_minted: 0n,
      trades_settled: 0n,
      trades_unsettled: 0n,
      ...totals,
    },
  } as Statement;
}

describe("portfolio ledger", () => {
  const october = statement("2026-10", [fill(1n, "sell", 2_000_000n, 199_000n, 1_000n, 50_000n, 2_000n)], [mint("mint-a", 3_000_000n, 1_000n)]);
  const november = statement("2026-11", [fill(2n, "buy", 1_000_000n, 120_000n, 0n, 30_000n, 5_000n)], []);

  it("orders fills and mints by time with signed GXT and USDC changes", () => {
    const entries = ledgerEntries([november, october]);
    expect(entries.map((entry) => [entry.kind, entry.gxt, entry.usdc, entry.signature])).toEqual([
      ["mint", 3_000_000n, 0n, "mint-a"],
      ["sell", -2_000_000n, 199_000n, "sig-1-sell"],
      ["buy", 1_000_000n, -120_000n, "sig-2-buy"],
    ]);
  });

  it("counts an entry listed twice once", () => {
    expect(ledgerEntries([october, october])).toHaveLength(2);
  });

  it("accumulates earnings, spending, savings and fees exactly", () => {
    const totals = runningTotals(ledgerEntries([october, november]));
    expect(totals.map((item) => [item.earned, item.spent, item.savings, item.fees, item.gxt, item.usdc])).toEqual([
      [0n, 0n, 0n, 0n, 3_000_000n, 0n],
      [199_000n, 0n, 50_000n, 1_000n, 1_000_000n, 199_000n],
      [199_000n, 120_000n, 80_000n, 1_000n, 2_000_000n, 79_000n],
    ]);
    expect(overallTotals([])).toMatchObject({ earned: 0n, spent: 0n, savings: 0n });
  });

  it("keeps amounts beyond 2^53 exact", () => {
    const big = 2n ** 60n + 1n;
    const entries = ledgerEntries([statement("2026-11", [fill(3n, "sell", big, big, 0n, big, 1n), fill(4n, "sell", 1n, 1n, 0n, 1n, 2n)], [])]);
    expect(overallTotals(entries).earned).toBe(big + 1n);
  });

  it("gives the chart one point per second, the last total of each", () => {
    const entries = ledgerEntries([statement("2026-11", [fill(5n, "sell", 1n, 10n, 0n, 0n, 1_100n), fill(6n, "sell", 1n, 20n, 0n, 0n, 1_900n), fill(7n, "sell", 1n, 5n, 0n, 0n, 3_000n)], [])]);
    expect(pointsPerSecond(runningTotals(entries)).map((point) => [point.timeS, point.totals.earned])).toEqual([
      [1, 30n],
      [3, 35n],
    ]);
  });

  it("summarises months newest first from the gateway's totals", () => {
    const summaries = monthSummaries([october, statement("2026-11", [], [], { received_net: 7n, savings_total: -2n })]);
    expect(summaries.map((item) => [item.month, item.earned, item.savings])).toEqual([
      ["2026-11", 7n, -2n],
      ["2026-10", 0n, 0n],
    ]);
  });
});
