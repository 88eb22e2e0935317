import { describe, expect, it } from "vitest";

import { energyPerPeriod, intervalsPerPeriod, totals } from "../src/energy/readings";

describe("energyPerPeriod", () => {
  it("differences consecutive registers, in time order", () => {
    const periods = energyPerPeriod([
      { timeMs: 2_000, exportWh: 1_500n, importWh: 700n },
      { timeMs: 1_000, exportWh: 1_000n, importWh: 600n },
      { timeMs: 3_000, exportWh: 1_500n, importWh: 1_000n },
    ]);
    expect(periods).toEqual([
      { timeMs: 2_000, producedWh: 500n, consumedWh: 100n },
      { timeMs: 3_000, producedWh: 0n, consumedWh: 300n },
    ]);
    expect(totals(periods)).toEqual({ producedWh: 500n, consumedWh: 400n });
  });

  it("counts a register that went down as nothing, and needs two points for a period", () => {
    expect(energyPerPeriod([{ timeMs: 1, exportWh: 5n, importWh: 5n }])).toEqual([]);
    expect(energyPerPeriod([
      { timeMs: 1, exportWh: 9_000n, importWh: 10n },
      { timeMs: 2, exportWh: 3n, importWh: 12n },
    ])).toEqual([{ timeMs: 2, producedWh: 0n, consumedWh: 2n }]);
  });
});

describe("intervalsPerPeriod", () => {
  it("sums 15-minute intervals into aligned buckets, ending each at its bucket's end", () => {
    const hour = 3_600_000;
    const periods = intervalsPerPeriod(
      [
        { startMs: hour + 900_000, exportWh: 7n, importWh: 1n },
        { startMs: hour, exportWh: 5n, importWh: 2n },
        { startMs: 2 * hour, exportWh: 0n, importWh: 4n },
      ],
      3_600,
    );
    expect(periods).toEqual([
      { timeMs: 2 * hour, producedWh: 12n, consumedWh: 3n },
      { timeMs: 3 * hour, producedWh: 0n, consumedWh: 4n },
    ]);
    expect(intervalsPerPeriod([{ startMs: 0, exportWh: 9n, importWh: 1n }], 900)).toEqual([{ timeMs: 900_000, producedWh: 9n, consumedWh: 1n }]);
    expect(() => intervalsPerPeriod([], 0)).toThrow(RangeError);
  });
});
