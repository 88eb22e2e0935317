"use client";
import { gatewayGet, type Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { QueryState } from "@gridtokenx/shared/components/ui/QueryState";
import { formatGxt, formatUsdc } from "@gridtokenx/shared/format/units";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useQuery } from "@tanstack/react-query";

import { errorText } from "../../errorText";
import { Signature } from "./Signature";

/** The `settle` transactions holding my fills: what each bought, sold, paid and received. */
export function SettlementsPanel({ accessToken }: { readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const settlements = useQuery({
    queryKey: ["me", "settlements", gatewayUrl, accessToken],
    queryFn: () => gatewayGet<Schemas["SettlementsPage"]>({ baseUrl: gatewayUrl, path: "/v1/me/settlements?limit=50", accessToken }),
    refetchInterval: 5_000,
  });
  return (
    <Card title="My settlements" testId="my-settlements">
      <QueryState
        query={settlements}
        what="settlements"
        describeError={errorText}
        isEmpty={(page) => page.data.length === 0}
        empty={{ title: "No settlements yet", detail: "Each settle transaction that pays out your fills appears here." }}
      >
        {(page) => (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th scope="col">Batch</th>
                  <th scope="col">Status</th>
                  <th scope="col">Bought</th>
                  <th scope="col">Sold</th>
                  <th scope="col">Paid</th>
                  <th scope="col">Received (before fee)</th>
                  <th scope="col">Transaction</th>
                </tr>
              </thead>
              <tbody className="font-mono tabular-nums">
                {page.data.map((row) => (
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
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}
