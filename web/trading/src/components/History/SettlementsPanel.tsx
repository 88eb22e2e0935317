"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { formatGxt, formatUsdc } from "@gridtokenx/shared/format/units";

import { MyHistoryCard } from "./MyHistoryCard";
import { Signature } from "./Signature";

const COLUMNS = ["Batch", "Status", "Bought", "Sold", "Paid", "Received (before fee)", "Transaction"];

/** The `settle` transactions holding my fills: what each bought, sold, paid and received. */
export function SettlementsPanel({ accessToken }: { readonly accessToken: string }) {
  return (
    <MyHistoryCard<Schemas["SettlementsPage"]>
      accessToken={accessToken}
      resource="settlements"
      title="My settlements"
      testId="my-settlements"
      empty={{ title: "No settlements yet", detail: "Each settle transaction that pays out your fills appears here." }}
      columns={COLUMNS}
      row={(row) => (
        <tr
          key={row.settlement_id.toString()}
          data-testid="settlement-row"
          data-status={row.status}
          data-trades={row.trade_ids.join(",")}
          data-energy-sold={row.energy_sold.toString()}
          data-quote-received={row.quote_received.toString()}
        >
          <td>{row.settlement_id.toString()}</td>
          <td>{row.status}</td>
          <td>{formatGxt(row.energy_bought)}</td>
          <td>{formatGxt(row.energy_sold)}</td>
          <td>{formatUsdc(row.quote_paid)}</td>
          <td>{formatUsdc(row.quote_received)}</td>
          <td>
            <Signature signature={row.signature} />
          </td>
        </tr>
      )}
    />
  );
}
