"use client";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { QueryState } from "@gridtokenx/shared/components/ui/QueryState";
import { formatGxt, formatUsdc } from "@gridtokenx/shared/format/units";
import {
  ledgerEntries,
  monthSummaries,
  overallTotals,
  runningTotals,
  type LedgerEntry,
  type MonthSummary,
  type RunningTotals,
  type Statement,
} from "@gridtokenx/shared/portfolio/earnings";
import dynamic from "next/dynamic";
import { useId, useMemo, useState } from "react";

import { errorText } from "../../errorText";
import { Signature } from "../History/Signature";
import { LINES } from "./chartLines";
import { usePortfolioStatements } from "./usePortfolioStatements";

const EarningsChart = dynamic(() => import("./EarningsChart").then((module) => module.EarningsChart), {
  ssr: false,
  loading: () => <div className="h-64 w-full animate-pulse rounded bg-slate-100 dark:bg-slate-800" />,
});

const PERIODS = [3, 6, 12] as const;
const LEDGER_ROWS = 100;

function signedUsdc(amount: bigint): string {
  return amount > 0n ? `+${formatUsdc(amount)}` : formatUsdc(amount);
}

function signedGxt(amount: bigint): string {
  return amount > 0n ? `+${formatGxt(amount)}` : formatGxt(amount);
}

function Figure({ figure, label, value, text }: { readonly figure: string; readonly label: string; readonly value: bigint; readonly text: string }) {
  return (
    <div className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd data-testid="portfolio-figure" data-figure={figure} data-value={value.toString()} className="font-mono text-base tabular-nums">
        {text}
      </dd>
    </div>
  );
}

function Figures({ totals }: { readonly totals: RunningTotals }) {
  return (
    <dl className="grid grid-cols-2 gap-2 md:grid-cols-4">
      <Figure figure="earned" label="Earned from sales (after fees)" value={totals.earned} text={formatUsdc(totals.earned)} />
      <Figure figure="spent" label="Paid for energy" value={totals.spent} text={formatUsdc(totals.spent)} />
      <Figure figure="savings" label="Savings against the tariff" value={totals.savings} text={signedUsdc(totals.savings)} />
      <Figure figure="fees" label="Market fees" value={totals.fees} text={formatUsdc(totals.fees)} />
      <Figure figure="usdc" label="USDC change" value={totals.usdc} text={signedUsdc(totals.usdc)} />
      <Figure figure="gxt" label="GXT change (minted, bought, sold)" value={totals.gxt} text={signedGxt(totals.gxt)} />
    </dl>
  );
}

const KIND_TEXT: Readonly<Record<LedgerEntry["kind"], string>> = { sell: "Sold", buy: "Bought", mint: "Minted" };

function Ledger({ entries }: { readonly entries: readonly LedgerEntry[] }) {
  const newest = [...entries].reverse().slice(0, LEDGER_ROWS);
  return (
    <div className="overflow-x-auto">
      <table className="w-full whitespace-nowrap text-sm [&_td]:pr-3 [&_th]:pr-3">
        <caption className="sr-only">Transactions, newest first</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col">Time</th>
            <th scope="col">What</th>
            <th scope="col">GXT</th>
            <th scope="col">USDC</th>
            <th scope="col">Savings</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody className="font-mono tabular-nums">
          {newest.map((entry) => (
            <tr
              key={`${entry.kind}:${entry.signature}:${entry.tradeId?.toString() ?? ""}`}
              data-testid="portfolio-entry"
              data-kind={entry.kind}
              data-trade-id={entry.tradeId?.toString() ?? ""}
              data-gxt={entry.gxt.toString()}
              data-usdc={entry.usdc.toString()}
              data-savings={entry.savings.toString()}
            >
              <td className="whitespace-nowrap font-sans">{new Date(Number(entry.timeMs)).toLocaleString()}</td>
              <td className="font-sans">
                {KIND_TEXT[entry.kind]}
                {entry.tradeId !== null ? <span className="text-xs text-slate-500"> (trade {entry.tradeId.toString()})</span> : null}
              </td>
              <td className={entry.gxt < 0n ? "text-rose-700 dark:text-rose-400" : "text-emerald-700 dark:text-emerald-400"}>{signedGxt(entry.gxt)}</td>
              <td>{entry.usdc === 0n ? "—" : signedUsdc(entry.usdc)}</td>
              <td>{entry.kind === "mint" ? "—" : signedUsdc(entry.savings)}</td>
              <td>
                <Signature signature={entry.signature} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length > LEDGER_ROWS ? (
        <p className="mt-1 text-xs text-slate-500">The newest {LEDGER_ROWS} of {entries.length}; the monthly statements on the energy page list them all.</p>
      ) : null}
    </div>
  );
}

function Months({ months }: { readonly months: readonly MonthSummary[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full whitespace-nowrap text-sm [&_td]:pr-3 [&_th]:pr-3">
        <caption className="sr-only">Per month, from the monthly statements</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Earned</th>
            <th scope="col">Paid</th>
            <th scope="col">Savings</th>
            <th scope="col">Sold</th>
            <th scope="col">Bought</th>
            <th scope="col">Minted</th>
            <th scope="col">Trades (unsettled)</th>
          </tr>
        </thead>
        <tbody className="font-mono tabular-nums">
          {months.map((month) => (
            <tr key={month.month} data-testid="portfolio-month" data-month={month.month} data-earned={month.earned.toString()} data-savings={month.savings.toString()}>
              <th scope="row" className="text-left font-sans font-normal">
                {month.month}
              </th>
              <td>{formatUsdc(month.earned)}</td>
              <td>{formatUsdc(month.spent)}</td>
              <td>{signedUsdc(month.savings)}</td>
              <td>{formatGxt(month.energySold)}</td>
              <td>{formatGxt(month.energyBought)}</td>
              <td>{formatGxt(month.energyMinted)}</td>
              <td>
                {month.tradesSettled.toString()}
                {month.tradesUnsettled > 0n ? ` (${month.tradesUnsettled.toString()})` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function History({ statements }: { readonly statements: readonly Statement[] }) {
  const entries = useMemo(() => ledgerEntries(statements), [statements]);
  const totals = useMemo(() => runningTotals(entries), [entries]);
  const months = useMemo(() => monthSummaries(statements), [statements]);
  const overall = overallTotals(entries);
  return (
    <div className="grid grid-cols-1 gap-4" data-testid="portfolio-loaded" data-entries={entries.length}>
      <Figures totals={overall} />
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No settled trade or mint in these months yet.</p>
      ) : (
        <figure className="grid grid-cols-1 gap-2">
          <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300">
            <span className="sr-only">Running totals over time, in USDC:</span>
            {LINES.map((line) => (
              <span key={line.key} className="flex items-center gap-1">
                <span aria-hidden="true" className="inline-block h-0.5 w-4" style={{ backgroundColor: line.color }} />
                {line.label}
              </span>
            ))}
          </figcaption>
          <EarningsChart totals={totals} />
        </figure>
      )}
      <section aria-label="Per month" className="grid grid-cols-1 gap-2">
        <h3 className="text-sm font-semibold">Per month</h3>
        <Months months={months} />
      </section>
      {entries.length > 0 ? (
        <section aria-label="Transactions" className="grid grid-cols-1 gap-2">
          <h3 className="text-sm font-semibold">Transactions</h3>
          <Ledger entries={entries} />
        </section>
      ) : null}
    </div>
  );
}

/** Earnings, spending and savings over time from my monthly statements (settled trades and
 * mints only, each with its transaction). */
export function PortfolioHistory({ accessToken }: { readonly accessToken: string }) {
  const id = useId();
  const [months, setMonths] = useState<(typeof PERIODS)[number]>(6);
  const statements = usePortfolioStatements(accessToken, months);
  return (
    <Card title="Earnings and savings" testId="portfolio-history">
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor={`${id}-period`}>Period</label>
        <select
          id={`${id}-period`}
          data-testid="portfolio-period"
          value={months}
          onChange={(event) => setMonths(Number(event.target.value) as (typeof PERIODS)[number])}
          className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
        >
          {PERIODS.map((count) => (
            <option key={count} value={count}>
              Last {count} months
            </option>
          ))}
        </select>
        <span className="text-xs text-slate-500 dark:text-slate-400">Changes through the platform; wallet transfers are not included.</span>
      </div>
      <QueryState query={statements} what="your statements" describeError={errorText}>
        {(data) => <History statements={data} />}
      </QueryState>
    </Card>
  );
}
