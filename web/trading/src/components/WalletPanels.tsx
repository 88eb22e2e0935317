"use client";
import { BalancesPanel } from "@gridtokenx/shared/components/Trading/BalancesPanel";
import { OpenOrdersPanel } from "@gridtokenx/shared/components/Trading/OpenOrdersPanel";
import { OraclePanel } from "@gridtokenx/shared/components/Trading/OraclePanel";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useMarket } from "@gridtokenx/shared/hooks/useMarket";
import { useOracleQuote } from "@gridtokenx/shared/hooks/useOracleQuote";
import { useWallet } from "@solana/wallet-adapter-react";

import { useGatewaySession } from "@gridtokenx/shared/components/Session/GatewaySessionContext";
import { useWalletTransaction } from "../hooks/useWalletTransaction";
import { CancelOrderButton } from "./CancelOrderButton";
import { FillsPanel } from "./History/FillsPanel";
import { SettlementsPanel } from "./History/SettlementsPanel";
import { OrderForm } from "./OrderForm";
import { SignInPanel } from "./SignInPanel";

/** The connected wallet's side of the trading page: chain balances and orders, the gateway
 * session, the order form and the history of fills and settlements. */
export function WalletPanels() {
  const market = useMarket();
  const addresses = market.status === "ready" ? market.addresses : null;
  const quote = useOracleQuote(addresses);
  const { publicKey } = useWallet();
  const gateway = useGatewaySession();
  const accessToken = gateway.session?.accessToken ?? null;
  const transact = useWalletTransaction(accessToken);
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
          place={({ side, price, quantity, timeInForce }) =>
            transact("/v1/orders/prepare", {
              side,
              price_per_kwh: price,
              quantity,
              expiry_s: 0,
              time_in_force: timeInForce,
            })
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
      {accessToken ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <FillsPanel accessToken={accessToken} />
          <SettlementsPanel accessToken={accessToken} />
        </div>
      ) : null}
    </div>
  );
}
