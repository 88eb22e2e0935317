"use client";
import { formatBaseUnits, formatPricePerKwh, TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import { bookFold, bookLadder, channelName, type Book, type Level } from "@gridtokenx/shared/market/channels";
import { useChannel } from "@gridtokenx/shared/hooks/useMarketFeed";

import { DepthChart } from "./DepthChart";
import { Panel } from "./FeedBadge";

const DEPTH = 12;

function Row({ level, side }: { readonly level: Level; readonly side: "buy" | "sell" }) {
  return (
    <tr
      data-testid="book-level"
      data-side={side}
      data-price={level.price.toString()}
      data-quantity={level.quantity.toString()}
      className="font-mono tabular-nums"
    >
      <td className={side === "buy" ? "text-emerald-700 dark:text-emerald-400" : "text-rose-700 dark:text-rose-400"}>
        {formatBaseUnits(level.price, TOKEN_DECIMALS)}
      </td>
      <td className="text-right">{formatBaseUnits(level.quantity, TOKEN_DECIMALS)}</td>
      <td className="text-right text-slate-500">{level.orderCount.toString()}</td>
    </tr>
  );
}

/** Aggregated price levels (asks above, best nearest the spread) and the depth chart. */
export function OrderBookPanel({ market }: { readonly market: string }) {
  const view = useChannel<Book>(channelName.book(market), bookFold);
  const ladder = view.data ? bookLadder(view.data, DEPTH) : null;
  const spread = ladder?.asks[0] && ladder.bids[0] ? ladder.asks[0].price - ladder.bids[0].price : null;
  return (
    <Panel title="Order book" view={view} testId="order-book" className="min-h-[46rem]">
      {!ladder ? (
        <p className="text-sm text-slate-500">{view.phase === "absent" ? "No orders on this market yet." : "Waiting for the book…"}</p>
      ) : (
        <div className="grid gap-3">
          <table className="w-full text-sm">
            <caption className="sr-only">Price levels: price in USDC per kWh, quantity in kWh, number of orders</caption>
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th scope="col">Price (USDC/kWh)</th>
                <th scope="col" className="text-right">kWh</th>
                <th scope="col" className="text-right">Orders</th>
              </tr>
            </thead>
            <tbody>
              {[...ladder.asks].reverse().map((level) => (
                <Row key={`a${level.price.toString()}`} level={level} side="sell" />
              ))}
              <tr>
                <td colSpan={3} className="py-1 text-center text-xs text-slate-500" data-testid="book-spread">
                  {spread === null ? "no spread (one side empty)" : `spread ${formatPricePerKwh(spread)}`}
                </td>
              </tr>
              {ladder.bids.map((level) => (
                <Row key={`b${level.price.toString()}`} level={level} side="buy" />
              ))}
            </tbody>
          </table>
          {view.data && !view.data.complete ? (
            <p role="alert" className="text-xs text-amber-700">The feed missed a book change: some levels may be missing.</p>
          ) : null}
          <DepthChart book={view.data} />
        </div>
      )}
    </Panel>
  );
}
