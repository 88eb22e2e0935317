"use client";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import dynamic from "next/dynamic";

import { MarketView } from "./Market/MarketView";

// Balances, orders and history read the chain with web3.js: their own chunk (see AppProviders).
const WalletPanels = dynamic(() => import("./WalletPanels").then((module) => module.WalletPanels), { ssr: false });

/** The trading page: the wallet's side (balances, order form, orders, history) and the market. */
export function TradingPage() {
  const { addresses, addressesError } = useRuntimeConfig();
  return (
    <div className="grid gap-4">
      <h1 className="sr-only">Trading</h1>
      {addresses ? (
        <MarketView market={addresses.market} />
      ) : (
        <Notice tone="warning">No market data: {addressesError ?? "the chain is not bootstrapped"}.</Notice>
      )}
      {/* Below the market: its panels keep their place while these load and grow. */}
      <WalletPanels />
    </div>
  );
}
