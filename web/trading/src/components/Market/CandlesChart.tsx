"use client";
import { TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import type { Candle } from "@gridtokenx/shared/market/channels";
import {
  CandlestickSeries,
  ColorType,
  HistogramSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { useEffect, useRef } from "react";

const SCALE = 10 ** TOKEN_DECIMALS;

/** Base units → a chart coordinate. Only drawing uses floats; every figure shown as text is exact. */
function plotted(baseUnits: bigint): number {
  return Number(baseUnits) / SCALE;
}

function time(openTimeMs: bigint): UTCTimestamp {
  return Number(openTimeMs / 1000n) as UTCTimestamp;
}

interface Series {
  readonly chart: IChartApi;
  readonly candles: ISeriesApi<"Candlestick">;
  readonly volume: ISeriesApi<"Histogram">;
}

/** TradingView lightweight-charts: candlesticks (USDC/kWh) over a volume histogram (kWh). */
export function CandlesChart({ candles }: { readonly candles: readonly Candle[] }) {
  const container = useRef<HTMLDivElement>(null);
  const series = useRef<Series | null>(null);
  const fitted = useRef(false);
  useEffect(() => {
    if (!container.current) return;
    const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
    const chart = createChart(container.current, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: "transparent" },
        textColor: dark ? "#cbd5e1" : "#334155",
        fontFamily: "ui-sans-serif, system-ui, sans-serif",
      },
      grid: { vertLines: { visible: false }, horzLines: { color: dark ? "#1e293b" : "#e2e8f0" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    const candleSeries = chart.addSeries(CandlestickSeries, {
      priceFormat: { type: "price", precision: 6, minMove: 1 / SCALE },
      upColor: "#059669",
      downColor: "#e11d48",
      wickUpColor: "#059669",
      wickDownColor: "#e11d48",
      borderVisible: false,
    });
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" }, color: "#94a3b8" });
    chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.75, bottom: 0 } });
    candleSeries.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.3 } });
    series.current = { chart, candles: candleSeries, volume };
    return () => {
      series.current = null;
      chart.remove();
    };
  }, []);
  useEffect(() => {
    const current = series.current;
    if (!current) return;
    current.candles.setData(
      candles.map((candle) => ({
        time: time(candle.openTimeMs),
        open: plotted(candle.open),
        high: plotted(candle.high),
        low: plotted(candle.low),
        close: plotted(candle.close),
      })),
    );
    current.volume.setData(
      candles.map((candle) => ({
        time: time(candle.openTimeMs),
        value: plotted(candle.volume),
        color: candle.close >= candle.open ? "#6ee7b7" : "#fda4af",
      })),
    );
    if (!fitted.current) {
      current.chart.timeScale().fitContent();
      fitted.current = true;
    }
    container.current?.setAttribute("data-candles", String(candles.length));
  }, [candles]);
  return <div ref={container} data-testid="candles-chart" className="h-72 w-full" role="img" aria-label="Candlestick chart with volume" />;
}
