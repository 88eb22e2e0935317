"use client";
import { formatBaseUnits, formatGxt, formatPricePerKwh, formatUsdc, TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import { channelName, statsFold, type Stats } from "@gridtokenx/shared/market/channels";
import { useChannel } from "@gridtokenx/shared/hooks/useMarketFeed";

import { Panel } from "./FeedBadge";

function Stat({ label, name, value, text }: { readonly label: string; readonly name: string; readonly value: bigint | null; readonly text: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd data-testid={`stat-${name}`} data-base-units={value === null ? "none" : value.toString()} className="font-mono tabular-nums">
        {text}
      </dd>
    </div>
  );
}

const price = (value: bigint | null) => (value === null ? "—" : formatPricePerKwh(value));

/** 24-hour statistics of the market (the gateway's window of one-minute candles). */
export function StatsBar({ market }: { readonly market: string }) {
  const view = useChannel<Stats>(channelName.stats(market), statsFold);
  const stats = view.data;
  return (
    <Panel title="Last 24 hours" view={view} testId="market-stats" className="min-h-40 sm:min-h-32 lg:min-h-28">
      {!stats ? (
        <p className="text-sm text-slate-500">{view.phase === "absent" ? "No trades on this market yet." : "Waiting for statistics…"}</p>
      ) : (
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-7">
          <Stat label="Last price" name="last" value={stats.lastPrice} text={price(stats.lastPrice)} />
          <Stat
            label="Change"
            name="change"
            value={stats.change}
            text={stats.change === null ? "—" : `${stats.change > 0n ? "+" : ""}${formatBaseUnits(stats.change, TOKEN_DECIMALS)}`}
          />
          <Stat label="High" name="high" value={stats.high} text={price(stats.high)} />
          <Stat label="Low" name="low" value={stats.low} text={price(stats.low)} />
          <Stat label="Volume" name="volume" value={stats.volume} text={formatGxt(stats.volume)} />
          <Stat label="Paid" name="quote-volume" value={stats.quoteVolume} text={formatUsdc(stats.quoteVolume)} />
          <Stat label="Trades" name="trades" value={stats.tradeCount} text={stats.tradeCount.toString()} />
        </dl>
      )}
    </Panel>
  );
}
