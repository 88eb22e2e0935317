"use client";
import { CANDLE_INTERVALS, candlesFold, channelName, type Candle, type CandleInterval } from "@gridtokenx/shared/market/channels";
import { useChannel } from "@gridtokenx/shared/hooks/useMarketFeed";
import dynamic from "next/dynamic";
import { useState } from "react";

import { Panel } from "./FeedBadge";

// lightweight-charts (about 50 KB gzip) loads after the page, only where candles are shown.
const CandlesChart = dynamic(() => import("./CandlesChart").then((module) => module.CandlesChart), {
  ssr: false,
  loading: () => <div className="h-72 w-full animate-pulse rounded bg-slate-100 dark:bg-slate-800" />,
});

/** OHLC candles and volume of one interval (oldest first), live. */
export function CandlesPanel({ market }: { readonly market: string }) {
  const [interval, setChosen] = useState<CandleInterval>("1m");
  const view = useChannel<readonly Candle[]>(channelName.candles(market, interval), candlesFold);
  return (
    <Panel title="Candles and volume" view={view} testId="candles">
      <div role="group" aria-label="Candle interval" className="mb-2 flex gap-1 text-xs">
        {CANDLE_INTERVALS.map((choice) => (
          <button
            key={choice}
            type="button"
            aria-pressed={choice === interval}
            onClick={() => setChosen(choice)}
            className={`rounded border px-2 py-0.5 ${choice === interval ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 dark:border-slate-600"}`}
          >
            {choice}
          </button>
        ))}
      </div>
      {view.data && view.data.length > 0 ? (
        <CandlesChart candles={view.data} />
      ) : (
        <p className="h-72 text-sm text-slate-500">{view.phase === "absent" || view.data ? "No trades in this interval yet." : "Waiting for candles…"}</p>
      )}
    </Panel>
  );
}
