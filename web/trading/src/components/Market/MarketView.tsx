"use client";
import { MarketFeedProvider } from "@gridtokenx/shared/hooks/useMarketFeed";

import { CandlesPanel } from "./CandlesPanel";
import { OrderBookPanel } from "./OrderBookPanel";
import { StatsBar } from "./StatsBar";
import { TradeTape } from "./TradeTape";

/** The market's public data from the gateway's WebSocket: statistics, book, candles, tape. */
export function MarketView({ market }: { readonly market: string }) {
  return (
    <MarketFeedProvider>
      <div className="grid gap-4" data-testid="market-view" data-market={market}>
        <StatsBar market={market} />
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <CandlesPanel market={market} />
          </div>
          <OrderBookPanel market={market} />
        </div>
        <TradeTape market={market} />
      </div>
    </MarketFeedProvider>
  );
}
