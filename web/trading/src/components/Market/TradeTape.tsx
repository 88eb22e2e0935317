"use client";
import { formatBaseUnits, TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import { channelName, tradesFold, type Trade } from "@gridtokenx/shared/market/channels";
import { useChannel } from "@gridtokenx/shared/hooks/useMarketFeed";

import { Panel } from "./FeedBadge";

const TAPE = tradesFold(30);

function clock(timestampMs: bigint): string {
  return new Date(Number(timestampMs)).toISOString().slice(11, 19);
}

/** The public trade tape, newest first (no counterparty). */
export function TradeTape({ market }: { readonly market: string }) {
  const view = useChannel<readonly Trade[]>(channelName.trades(market), TAPE);
  return (
    <Panel title="Trades" view={view} testId="trade-tape" className="h-96 overflow-y-auto">
      {!view.data || view.data.length === 0 ? (
        <p className="text-sm text-slate-500">{view.phase === "absent" || view.data ? "No trades yet." : "Waiting for trades…"}</p>
      ) : (
        <table className="w-full text-sm">
          <caption className="sr-only">Recent trades: time (UTC), price in USDC per kWh, quantity in kWh</caption>
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Price</th>
              <th scope="col" className="text-right">kWh</th>
            </tr>
          </thead>
          <tbody className="font-mono tabular-nums">
            {view.data.map((trade) => (
              <tr key={trade.tradeId.toString()} data-testid="tape-trade" data-trade-id={trade.tradeId.toString()} data-price={trade.price.toString()}>
                <td>{clock(trade.timestampMs)}</td>
                <td className={trade.takerSide === "sell" ? "text-rose-700 dark:text-rose-400" : "text-emerald-700 dark:text-emerald-400"}>
                  {formatBaseUnits(trade.price, TOKEN_DECIMALS)}
                </td>
                <td className="text-right">{formatBaseUnits(trade.quantity, TOKEN_DECIMALS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
