"use client";
import { BalancesPanel } from "@gridtokenx/shared/components/Trading/BalancesPanel";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useMarket } from "@gridtokenx/shared/hooks/useMarket";
import { useOracleQuote } from "@gridtokenx/shared/hooks/useOracleQuote";

import { SessionGate } from "../SessionGate";
import { PortfolioHistory } from "./PortfolioHistory";

/** My portfolio: the wallet's balances from the chain, and from my monthly statements what I
 * earned, spent and saved over time with each transaction. */
export function PortfolioView() {
  const market = useMarket();
  const addresses = market.status === "ready" ? market.addresses : null;
  const quote = useOracleQuote(addresses);
  return (
    <div className="grid grid-cols-1 gap-4">
      <h1 className="text-xl font-semibold">Portfolio</h1>
      {market.status === "unavailable" ? <Notice tone="warning">{market.reason}</Notice> : null}
      <BalancesPanel addresses={addresses} quote={quote.data} />
      <SessionGate what="your earnings and savings">{(accessToken) => <PortfolioHistory accessToken={accessToken} />}</SessionGate>
    </div>
  );
}
