"use client";
import { BalancesPanel } from "@gridtokenx/shared/components/Trading/BalancesPanel";
import { OpenOrdersPanel } from "@gridtokenx/shared/components/Trading/OpenOrdersPanel";
import { OraclePanel } from "@gridtokenx/shared/components/Trading/OraclePanel";
import { PendingGateway } from "@gridtokenx/shared/components/ui/EmptyState";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useMarket } from "@gridtokenx/shared/hooks/useMarket";
import { useOracleQuote } from "@gridtokenx/shared/hooks/useOracleQuote";
import { useWallet } from "@solana/wallet-adapter-react";

import { useGatewaySession } from "../hooks/useGatewaySession";
import { useWalletTransaction } from "../hooks/useWalletTransaction";
import { CancelOrderButton } from "./CancelOrderButton";
import { OrderForm } from "./OrderForm";
import { SignInPanel } from "./SignInPanel";

export function TradingView() {
  const market = useMarket();
  const addresses = market.status === "ready" ? market.addresses : null;
  const quote = useOracleQuote(addresses);
  const { publicKey } = useWallet();
  const gateway = useGatewaySession();
  const transact = useWalletTransaction(gateway.session?.accessToken ?? null);
  return (
    <div className="grid gap-4">
      {market.status === "unavailable" ? <Notice tone="warning">{market.reason}</Notice> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <BalancesPanel addresses={addresses} quote={quote.data} />
        <OraclePanel quote={quote} />
      </div>
      {publicKey ? <SignInPanel {...gateway} /> : null}
      {addresses && gateway.session ? (
        <OrderForm
          addresses={addresses}
          place={({ side, price, quantity }) =>
            transact("/v1/orders/prepare", { side, price_per_kwh: price, quantity, expiry_s: 0 })
          }
        />
      ) : null}
      {addresses ? (
        <OpenOrdersPanel
          addresses={addresses}
          action={
            gateway.session
              ? (order) => (
                  <CancelOrderButton
                    order={order}
                    cancel={(target) => transact(`/v1/orders/${encodeURIComponent(target.address)}/cancel/prepare`)}
                  />
                )
              : undefined
          }
        />
      ) : null}
      <div className="grid gap-4 md:grid-cols-2">
        <PendingGateway feature="Order book and depth" />
        <PendingGateway feature="Candles and volume" />
        <PendingGateway feature="Trade tape, fills and settlements" />
      </div>
    </div>
  );
}
