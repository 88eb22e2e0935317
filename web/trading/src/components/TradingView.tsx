"use client";
import { BalancesPanel } from "@gridtokenx/shared/components/Trading/BalancesPanel";
import { OpenOrdersPanel } from "@gridtokenx/shared/components/Trading/OpenOrdersPanel";
import { OraclePanel } from "@gridtokenx/shared/components/Trading/OraclePanel";
import { PendingGateway } from "@gridtokenx/shared/components/ui/EmptyState";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useMarket } from "@gridtokenx/shared/hooks/useMarket";
import { useOracleQuote } from "@gridtokenx/shared/hooks/useOracleQuote";

export function TradingView() {
  const market = useMarket();
  const addresses = market.status === "ready" ? market.addresses : null;
  const quote = useOracleQuote(addresses);
  return (
    <div className="grid gap-4">
      {market.status === "unavailable" ? <Notice tone="warning">{market.reason}</Notice> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <BalancesPanel addresses={addresses} quote={quote.data} />
        <OraclePanel quote={quote} />
      </div>
      {addresses ? <OpenOrdersPanel addresses={addresses} /> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <PendingGateway feature="Order form" />
        <PendingGateway feature="Order book and depth" />
        <PendingGateway feature="Candles and volume" />
        <PendingGateway feature="Trade tape, fills and settlements" />
      </div>
    </div>
  );
}
