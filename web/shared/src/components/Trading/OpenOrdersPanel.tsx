"use client";
import { useWallet } from "@solana/wallet-adapter-react";
import type { ReactNode } from "react";

import { TIME_IN_FORCE_LABELS, type OrderAccount } from "../../chain/order";
import type { ChainAddresses } from "../../config/runtime";
import { formatGxt, formatPricePerKwh } from "../../format/units";
import { useOpenOrders } from "../../hooks/useOpenOrders";
import { Card } from "../ui/Card";
import { EmptyState } from "../ui/EmptyState";

/**
 * The wallet's Order accounts on the market, read from the chain (no gateway needed); `action`
 * adds a last cell per order (the trading page's cancel button).
 */
export function OpenOrdersPanel({
  addresses,
  action,
}: {
  readonly addresses: ChainAddresses;
  readonly action?: (order: OrderAccount) => ReactNode;
}) {
  const { publicKey } = useWallet();
  const orders = useOpenOrders(addresses);
  let body;
  if (!publicKey) {
    body = <EmptyState title="No wallet connected" detail="Connect a wallet to see its orders on chain." />;
  } else if (orders.isError) {
    body = <p role="alert" className="text-sm text-red-600">Could not read orders: {orders.error.message}</p>;
  } else if (!orders.data) {
    body = <p className="text-sm text-slate-500">Reading the chain…</p>;
  } else if (orders.data.length === 0) {
    body = <EmptyState title="No open orders" detail="Orders this wallet places on the market appear here." />;
  } else {
    body = (
      <table className="w-full text-sm" data-testid="orders-table">
        <thead className="text-left text-slate-500">
          <tr>
            <th scope="col">Side</th>
            <th scope="col">Price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Filled</th>
            <th scope="col">Order id</th>
            {action ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody className="font-mono tabular-nums">
          {orders.data.map((order) => (
            <tr key={order.address} data-testid="order-row" data-order-id={order.orderId.toString()}>
              <td className={order.side === "buy" ? "text-emerald-600" : "text-rose-600"}>
                {order.side}
                {order.timeInForce !== "gtc" ? (
                  <span className="ml-1 text-xs text-slate-500" data-testid="order-time-in-force" title={TIME_IN_FORCE_LABELS[order.timeInForce]}>
                    {order.timeInForce === "ioc" ? "IOC" : "post-only"}
                  </span>
                ) : null}
              </td>
              <td>{formatPricePerKwh(order.price)}</td>
              <td>{formatGxt(order.quantity)}</td>
              <td>{formatGxt(order.filled)}</td>
              <td title={order.address}>{order.orderId.toString()}</td>
              {action ? <td>{action(order)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <Card title="My orders (on chain)" testId="open-orders">
      {body}
    </Card>
  );
}
