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

/** One 15-minute interval of the gateway's intervals route: the energy exported and imported in
 * it (Wh, already differenced by the gateway against the interval before). */
export interface IntervalEnergy {
  readonly startMs: number;
  readonly exportWh: bigint;
  readonly importWh: bigint;
}

/**
 * Intervals summed into buckets of `bucketS` seconds aligned to the UNIX epoch (UTC), in time
 * order; a bucket's `timeMs` is its end, as `energyPerPeriod` gives it. Exact: bigint sums.
 */
export function intervalsPerPeriod(intervals: readonly IntervalEnergy[], bucketS: number): EnergyPeriod[] {
  if (!Number.isInteger(bucketS) || bucketS <= 0) throw new RangeError(`bucketS must be a positive integer, got ${bucketS}`);
  const bucketMs = bucketS * 1_000;
  const sums = new Map<number, { producedWh: bigint; consumedWh: bigint }>();
  for (const interval of intervals) {
    const end = Math.floor(interval.startMs / bucketMs) * bucketMs + bucketMs;
    const sum = sums.get(end) ?? { producedWh: 0n, consumedWh: 0n };
    sums.set(end, {
      producedWh: sum.producedWh + (interval.exportWh > 0n ? interval.exportWh : 0n),
      consumedWh: sum.consumedWh + (interval.importWh > 0n ? interval.importWh : 0n),
    });
  }
  return [...sums.entries()].sort(([left], [right]) => left - right).map(([timeMs, sum]) => ({ timeMs, ...sum }));
}

export function totals(periods: readonly EnergyPeriod[]): { readonly producedWh: bigint; readonly consumedWh: bigint } {
  return periods.reduce(
    (sum, period) => ({ producedWh: sum.producedWh + period.producedWh, consumedWh: sum.consumedWh + period.consumedWh }),
    { producedWh: 0n, consumedWh: 0n },
  );
}
