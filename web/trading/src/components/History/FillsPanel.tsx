"use client";
import { gatewayGet, type Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { QueryState } from "@gridtokenx/shared/components/ui/QueryState";
import { formatBaseUnits, formatUsdc, TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useQuery } from "@tanstack/react-query";

import { errorText } from "../../errorText";
import { Signature } from "./Signature";

/** The matcher's trades of my orders, with their settlement status and `settle` signature. */
export function FillsPanel({ accessToken }: { readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const fills = useQuery({
    queryKey: ["me", "fills", gatewayUrl, accessToken],
    queryFn: () => gatewayGet<Schemas["FillsPage"]>({ baseUrl: gatewayUrl, path: "/v1/me/fills?limit=50", accessToken }),
    refetchInterval: 5_000,
  });
  return (
    <Card title="My fills" testId="my-fills">
      <QueryState
        query={fills}
        what="fills"
        describeError={errorText}
        isEmpty={(page) => page.data.length === 0}
        empty={{ title: "No fills yet", detail: "Trades of your orders appear here with their settlement." }}
      >
        {(page) => (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th scope="col">Trade</th>
                  <th scope="col">Side</th>
                  <th scope="col">Price</th>
                  <th scope="col">kWh</th>
                  <th scope="col">USDC</th>
                  <th scope="col">Status</th>
                  <th scope="col">Settle transaction</th>
                </tr>
              </thead>
              <tbody className="font-mono tabular-nums">
                {page.data.map((fill) => (
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
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}
