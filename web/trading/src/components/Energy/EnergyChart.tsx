"use client";
import type { EnergyPeriod } from "@gridtokenx/shared/energy/readings";
import { ColorType, HistogramSeries, createChart, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useRef } from "react";

/** Produced (up) and consumed (down) kWh per period, lightweight-charts histograms. */
export function EnergyChart({ periods }: { readonly periods: readonly EnergyPeriod[] }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
    const chart = createChart(container.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, textColor: dark ? "#cbd5e1" : "#334155" },
      grid: { vertLines: { visible: false }, horzLines: { color: dark ? "#1e293b" : "#e2e8f0" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    const kwh = { type: "custom" as const, formatter: (value: number) => `${value.toFixed(3)} kWh`, minMove: 0.001 };
    const produced = chart.addSeries(HistogramSeries, { color: "#059669", priceFormat: kwh, title: "produced" });
    const consumed = chart.addSeries(HistogramSeries, { color: "#e11d48", priceFormat: kwh, title: "consumed" });
    // Drawing only: the totals shown as text are exact bigints.
    const toKwh = (wh: bigint) => Number(wh) / 1_000;
    const time = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;
    produced.setData(periods.map((period) => ({ time: time(period.timeMs), value: toKwh(period.producedWh) })));
    consumed.setData(periods.map((period) => ({ time: time(period.timeMs), value: -toKwh(period.consumedWh) })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [periods]);
  return <div ref={container} data-testid="energy-chart" data-periods={periods.length} className="h-64 w-full" role="img" aria-label="Energy produced and consumed per period" />;
}
