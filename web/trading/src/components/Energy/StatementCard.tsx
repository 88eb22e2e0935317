"use client";
import { GatewayError, gatewayBlob, gatewayGet, type Schemas } from "@gridtokenx/shared/api/gateway";
import { StatementFigures } from "@gridtokenx/shared/components/Energy/StatementFigures";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { attachmentName, currentMonth, isMonth, statementFileName } from "@gridtokenx/shared/energy/statementMonth";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

import { errorText } from "../../errorText";

/** Hands a fetched file to the browser as a download (an object URL, revoked right after). */
function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

function DownloadButton({ month, extension, accessToken }: { readonly month: string; readonly extension: "csv" | "pdf"; readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const download = useMutation({
    mutationFn: async () => {
      // The access token goes in the Authorization header (kept in memory), never in a URL.
      const { blob, disposition } = await gatewayBlob({ baseUrl: gatewayUrl, path: `/v1/me/statements/${month}.${extension}`, accessToken });
      // Content-Disposition is not among the headers the gateway's CORS exposes to another
      // origin: the name then follows the gateway's own pattern.
      saveBlob(blob, attachmentName(disposition) ?? statementFileName(month, extension));
    },
  });
  return (
    <span className="grid gap-1">
      <button
        type="button"
        data-testid={`statement-download-${extension}`}
        disabled={download.isPending}
        onClick={() => download.mutate()}
        className="rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-slate-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600"
      >
        {download.isPending ? "Preparing…" : `Download ${extension.toUpperCase()}`}
      </button>
      {download.isError ? <Notice tone="error">The {extension.toUpperCase()} download failed: {errorText(download.error)}</Notice> : null}
    </span>
  );
}

/** My monthly statement: the month's figures and its CSV and PDF (the gateway's statement
 * routes; the same figures in all three). */
export function StatementCard({ accessToken }: { readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const id = useId();
  const latest = currentMonth();
  const [month, setMonth] = useState(latest);
  const valid = isMonth(month) && month <= latest;
  const statement = useQuery({
    queryKey: ["statement", gatewayUrl, month, accessToken],
    enabled: valid,
    queryFn: () => gatewayGet<Schemas["StatementPublic"]>({ baseUrl: gatewayUrl, path: `/v1/me/statements/${month}`, accessToken }),
    retry: (failures, error) => !(error instanceof GatewayError && error.status < 500) && failures < 2,
    // The current month is still running: its figures grow with each trade and mint.
    refetchInterval: month === latest ? 30_000 : false,
  });
  return (
    <Card title="Monthly statement" testId="statement">
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div className="grid gap-1">
          <label htmlFor={`${id}-month`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            Statement month
          </label>
          <input
            id={`${id}-month`}
            type="month"
            data-testid="statement-month"
            value={month}
            max={latest}
            onChange={(event) => setMonth(event.target.value)}
            aria-invalid={!valid || undefined}
            className="rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-950"
          />
        </div>
        {valid ? (
          <>
            <DownloadButton month={month} extension="csv" accessToken={accessToken} />
            <DownloadButton month={month} extension="pdf" accessToken={accessToken} />
          </>
        ) : null}
      </div>
      {!valid ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Choose a month up to {latest} (YYYY-MM).
        </p>
      ) : statement.isError ? (
        <Notice tone="error">Could not load the statement: {errorText(statement.error)}</Notice>
      ) : !statement.data ? (
        <p className="text-sm text-slate-500">Loading the statement…</p>
      ) : (
        <div data-testid="statement-loaded" data-month={statement.data.month} className="grid gap-2">
          <StatementFigures totals={statement.data.totals} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {statement.data.totals.trades_settled.toString()} settled trades, {statement.data.totals.trades_unsettled.toString()} not settled yet (counted in no
            total), {statement.data.totals.mints.toString()} mints. Savings are against {statement.data.zone_id === null ? "the default" : `zone ${statement.data.zone_id.toString()}'s`} retail
            and feed-in tariff; the month is counted at UTC offset {statement.data.utc_offset_minutes.toString()} minutes.
          </p>
        </div>
      )}
    </Card>
  );
}
