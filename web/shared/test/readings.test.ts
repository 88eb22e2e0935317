import { describe, expect, it } from "vitest";

import { energyPerPeriod, totals } from "../src/energy/readings";

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
