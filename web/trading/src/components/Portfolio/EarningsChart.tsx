"use client";
import { TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import { pointsPerSecond, type RunningTotals } from "@gridtokenx/shared/portfolio/earnings";

import { ColorType, LineSeries, LineType, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useRef } from "react";

import { LINES } from "./chartLines";

const SCALE = 10 ** TOKEN_DECIMALS;

/** Base units → a chart coordinate. Only drawing uses floats; every figure shown as text is exact. */
function plotted(baseUnits: bigint): number {
  return Number(baseUnits) / SCALE;
}

/** Running USDC totals over time (TradingView lightweight-charts, step lines). */
export function EarningsChart({ totals }: { readonly totals: readonly RunningTotals[] }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<{ readonly api: IChartApi; readonly lines: ISeriesApi<"Line">[] } | null>(null);
  useEffect(() => {
    if (!container.current) return;
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    const api = createChart(container.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, fontFamily: "ui-sans-serif, system-ui, sans-serif" },
      grid: { vertLines: { visible: false } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    // The theme follows the system's, also when it changes while the page is open.
    const theme = () =>
      api.applyOptions({
        layout: { textColor: scheme.matches ? "#cbd5e1" : "#334155" },
        grid: { horzLines: { color: scheme.matches ? "#1e293b" : "#e2e8f0" } },
      });
    theme();
    scheme.addEventListener("change", theme);
    const lines = LINES.map((line) =>
      api.addSeries(LineSeries, {
        color: line.color,
        lineWidth: 2,
        lineType: LineType.WithSteps,
        title: line.label,
        priceFormat: { type: "price", precision: 2, minMove: 0.01 },
      }),
    );
    chart.current = { api, lines };
    return () => {
      scheme.removeEventListener("change", theme);
      chart.current = null;
      api.remove();
    };
  }, []);
  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    const points = pointsPerSecond(totals);
    LINES.forEach((line, index) => {
      current.lines[index]?.setData(points.map((point) => ({ time: point.timeS as UTCTimestamp, value: plotted(point.totals[line.key]) })));
    });
    current.api.timeScale().fitContent();
  }, [totals]);
  return <div ref={container} className="h-64 w-full" data-testid="portfolio-chart" data-points={totals.length} />;
}
