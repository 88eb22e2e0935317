"use client";
import { gatewayGet, type WithBigints } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { QueryState } from "@gridtokenx/shared/components/ui/QueryState";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { errorText } from "../../errorText";

/** One of my history pages (`/v1/me/<resource>`, newest 50), refreshed every 5 s, as a table. */
export function MyHistoryCard<Page extends { readonly data: readonly unknown[] }>({
  accessToken,
  resource,
  title,
  testId,
  empty,
  columns,
  row,
}: {
  readonly accessToken: string;
  readonly resource: "fills" | "settlements";
  readonly title: string;
  readonly testId: string;
  readonly empty: { readonly title: string; readonly detail: string };
  readonly columns: readonly string[];
  readonly row: (item: WithBigints<Page>["data"][number]) => ReactNode;
}) {
  const { gatewayUrl } = useRuntimeConfig();
  const page = useQuery({
    queryKey: ["me", resource, gatewayUrl, accessToken],
    queryFn: () =>
      gatewayGet<Page>({ baseUrl: gatewayUrl, path: `/v1/me/${resource}?limit=50`, accessToken }),
    refetchInterval: 5_000,
  });
  return (
    <Card title={title} testId={testId}>
      <QueryState
        query={page}
        what={resource}
        describeError={errorText}
        isEmpty={(loaded) => loaded.data.length === 0}
        empty={empty}
      >
        {(loaded) => (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  {columns.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="font-mono tabular-nums">{loaded.data.map(row)}</tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}
