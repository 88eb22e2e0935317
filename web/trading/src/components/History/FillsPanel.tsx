"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { formatBaseUnits, formatUsdc, TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";

import { MyHistoryCard } from "./MyHistoryCard";
import { Signature } from "./Signature";

const COLUMNS = ["Trade", "Side", "Price", "kWh", "USDC", "Status", "Settle transaction"];

/** The matcher's trades of my orders, with their settlement status and `settle` signature. */
export function FillsPanel({ accessToken }: { readonly accessToken: string }) {
  return (
    <MyHistoryCard<Schemas["FillsPage"]>
      accessToken={accessToken}
      resource="fills"
      title="My fills"
      testId="my-fills"
      empty={{ title: "No fills yet", detail: "Trades of your orders appear here with their settlement." }}
      columns={COLUMNS}
      row={(fill) => (
        <tr
          key={`${fill.market}:${fill.trade_id.toString()}:${fill.side}`}
          data-testid="fill-row"
          data-trade-id={fill.trade_id.toString()}
          data-status={fill.status}
        >
          <td>{fill.trade_id.toString()}</td>
          <td className={fill.side === "buy" ? "text-emerald-700" : "text-rose-700"}>{fill.side}</td>
          <td>{formatBaseUnits(fill.price_per_kwh, TOKEN_DECIMALS)}</td>
          <td>{formatBaseUnits(fill.quantity, TOKEN_DECIMALS)}</td>
          <td>{formatUsdc(fill.quote_amount)}</td>
          <td title={fill.reason ?? undefined}>{fill.status}</td>
          <td>
            <Signature signature={fill.settled_signature} />
          </td>
        </tr>
      )}
    />
  );
}
