/**
 * Production and consumption per period from a meter's register readings (pure). The gateway's
 * readings route answers one point per bucket with the meter's cumulative export and import
 * registers (Wh) at its end; what was produced (exported) and consumed (imported) in a bucket is
 * the difference to the previous point. A register that went down (a replaced meter) counts as 0.
 */

export interface RegisterPoint {
  readonly timeMs: number;
  readonly exportWh: bigint;
  readonly importWh: bigint;
}

export interface EnergyPeriod {
  /** The end of the period (the later point's time). */
  readonly timeMs: number;
  readonly producedWh: bigint;
  readonly consumedWh: bigint;
}

export function energyPerPeriod(points: readonly RegisterPoint[]): EnergyPeriod[] {
  const sorted = [...points].sort((left, right) => left.timeMs - right.timeMs);
  const periods: EnergyPeriod[] = [];
  for (let index = 1; index < sorted.length; index += 1) {
    const previous = sorted[index - 1]!;
    const current = sorted[index]!;
    const produced = current.exportWh - previous.exportWh;
    const consumed = current.importWh - previous.importWh;
    periods.push({ timeMs: current.timeMs, producedWh: produced > 0n ? produced : 0n, consumedWh: consumed > 0n ? consumed : 0n });
  }
  return periods;
}

export type EnergyRange = "day" | "week" | "month";

/** Span and bucket width of each range on the energy page. */
export const ENERGY_RANGES: Readonly<Record<EnergyRange, { readonly spanMs: number; readonly resolutionS: number }>> = {
  day: { spanMs: 24 * 3_600_000, resolutionS: 900 },
  week: { spanMs: 7 * 24 * 3_600_000, resolutionS: 3_600 },
  month: { spanMs: 30 * 24 * 3_600_000, resolutionS: 86_400 },
};

export function totals(periods: readonly EnergyPeriod[]): { readonly producedWh: bigint; readonly consumedWh: bigint } {
  return periods.reduce(
    (sum, period) => ({ producedWh: sum.producedWh + period.producedWh, consumedWh: sum.consumedWh + period.consumedWh }),
    { producedWh: 0n, consumedWh: 0n },
  );
}
