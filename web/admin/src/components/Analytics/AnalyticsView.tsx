"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { formatGxt, formatUsdc } from "@gridtokenx/shared/format/units";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { saveText } from "../../lib/download";
import { isoInstant } from "../../lib/query";
import { queryString, type OperatorApi } from "../../hooks/useOperatorApi";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { Button, CELL, Table, TextInput } from "../ui";

const METER_KINDS: Readonly<Record<string, string>> = { "1": "solar", "2": "consumer", "3": "solar + battery", "4": "EV charger" };
const METER_STATUSES: Readonly<Record<string, string>> = { "1": "active", "2": "suspended", "3": "decommissioned" };

function AnalyticsPanel({ api }: { readonly api: OperatorApi }) {
  const [draft, setDraft] = useState({ since: "", until: "" });
  const [range, setRange] = useState({ since: "", until: "" });
  const [exportError, setExportError] = useState<Error | null>(null);
  const query = queryString({ since: isoInstant(range.since), until: isoInstant(range.until) });
  const analytics = useQuery({
    queryKey: ["operator", api.address, "analytics", query],
    queryFn: () => api.get<Schemas["PlatformAnalytics"]>(`/v1/operator/analytics${query}`),
    placeholderData: keepPreviousData,
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };
  const exportCsv = async () => {
    setExportError(null);
    try {
      saveText(await api.text(`/v1/operator/analytics/csv${query}`), "analytics.csv");
    } catch (error) {
      setExportError(error as Error);
    }
  };
  const data = analytics.data;
  return (
    <div className="grid grid-cols-1 gap-4">
      <form onSubmit={apply} aria-label="Analytics period" className="grid grid-cols-1 items-end gap-2 sm:grid-cols-4">
        <TextInput label="Since (default: 24 h before until)" id="analytics-since" type="datetime-local" value={draft.since} onChange={(event) => setDraft({ ...draft, since: event.target.value })} />
        <TextInput label="Until (default: now)" id="analytics-until" type="datetime-local" value={draft.until} onChange={(event) => setDraft({ ...draft, until: event.target.value })} />
        <Button type="submit">Show</Button>
        <Button tone="secondary" onClick={() => void exportCsv()}>
          Export CSV
        </Button>
      </form>
      {exportError ? <Notice tone="error">CSV export failed: {errorText(exportError)}</Notice> : null}
      {analytics.isError ? <Notice tone="error">{errorText(analytics.error)}</Notice> : null}
      {analytics.isPending ? <p className="text-sm text-slate-500">Computing analytics…</p> : null}
      {data ? (
        <>
          <p className="text-sm text-slate-500">
            Trades from {new Date(data.since).toLocaleString()} to {new Date(data.until).toLocaleString()}.
          </p>
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Card title="Users" testId="analytics-users">
              <Table caption="Accounts by role" head={["Role", "Accounts", "Deactivated"]}>
                {data.users.map((row) => (
                  <tr key={row.role} data-testid="analytics-user-row" data-role={row.role} data-count={row.count.toString()}>
                    <td className={CELL}>{row.role}</td>
                    <td className={CELL}>{row.count.toString()}</td>
                    <td className={CELL}>{row.deactivated.toString()}</td>
                  </tr>
                ))}
              </Table>
            </Card>
            <Card title="Meters" testId="analytics-meters">
              <p className="mb-2 text-sm">{data.meters.registered_on_chain.toString()} registered on chain.</p>
              <Table caption="Meters by kind and status" head={["Kind", "Status", "Meters"]}>
                {data.meters.by_kind_and_status.map((row) => (
                  <tr key={`${row.kind}-${row.status}`}>
                    <td className={CELL}>{METER_KINDS[row.kind.toString()] ?? row.kind.toString()}</td>
                    <td className={CELL}>{METER_STATUSES[row.status.toString()] ?? row.status.toString()}</td>
                    <td className={CELL}>{row.count.toString()}</td>
                  </tr>
                ))}
              </Table>
            </Card>
          </div>
          <Card title="Volume and fees" testId="analytics-markets">
            <Table caption="Per-market volume and fees" head={["Market", "Trades", "Settled", "Energy", "Notional", "Settled notional", "Fee", "Fees"]}>
              {data.markets.map((row) => (
                <tr key={row.market}>
                  <td className={`${CELL} font-mono text-xs break-all`}>{row.market}</td>
                  <td className={CELL}>{row.trades.toString()}</td>
                  <td className={CELL}>{row.settled.toString()}</td>
                  <td className={CELL}>{formatGxt(row.energy_gxt_base_units)}</td>
                  <td className={CELL}>{formatUsdc(row.notional_usdc_base_units)}</td>
                  <td className={CELL}>{formatUsdc(row.settled_notional_usdc_base_units)}</td>
                  <td className={CELL}>{row.fee_bps === null ? "—" : `${row.fee_bps.toString()} bps`}</td>
                  <td className={CELL}>{row.fees_usdc_base_units === null ? "—" : formatUsdc(row.fees_usdc_base_units)}</td>
                </tr>
              ))}
            </Table>
            {data.markets.length === 0 ? <p className="text-sm text-slate-500">No trade in this period.</p> : null}
          </Card>
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Card title="Settlement success per zone" testId="analytics-zones">
              <Table caption="Settlement outcomes per zone" head={["Zone", "Settled", "Pending", "Submitted", "Rejected", "Success"]}>
                {data.settlement_by_zone.map((row) => (
                  <tr key={row.zone?.toString() ?? "none"}>
                    <td className={CELL}>{row.zone?.toString() ?? "unknown"}</td>
                    <td className={CELL}>{row.settled.toString()}</td>
                    <td className={CELL}>{row.pending.toString()}</td>
                    <td className={CELL}>{row.submitted.toString()}</td>
                    <td className={CELL}>{row.rejected.toString()}</td>
                    <td className={CELL}>{row.success_ratio === null ? "—" : `${(Number(row.success_ratio) * 100).toFixed(1)} %`}</td>
                  </tr>
                ))}
              </Table>
              {data.settlement_by_zone.length === 0 ? <p className="text-sm text-slate-500">No settlement in this period.</p> : null}
            </Card>
            <Card title="Orders" testId="analytics-orders">
              <Table caption="Orders by side and status" head={["Side", "Status", "Orders"]}>
                {data.orders.map((row) => (
                  <tr key={`${row.side}-${row.status}`}>
                    <td className={CELL}>{row.side}</td>
                    <td className={CELL}>{row.status}</td>
                    <td className={CELL}>{row.count.toString()}</td>
                  </tr>
                ))}
              </Table>
            </Card>
          </div>
        </>
      ) : null}
    </div>
  );
}

export function AnalyticsView() {
  return <OperatorPage title="Platform analytics">{(api) => <AnalyticsPanel api={api} />}</OperatorPage>;
}
