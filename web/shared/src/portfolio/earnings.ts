/**
 * The portfolio's figures from the account's monthly statements (`/v1/me/statements/{YYYY-MM}`),
 * pure and exact (bigint base units): every settled fill and mint as a ledger entry with its
 * transaction signature, the running totals over time, and the per-month summary.
 *
 * A sell adds its `net` (USDC received after the fee) to the realised earnings and takes its
 * quantity of GXT; a buy spends its `net` (the USDC paid) and adds GXT; a mint adds GXT. Savings
 * are the gateway's per-fill figure against the tariff (retail price for a buy, feed-in price
 * for a sell: `gridtokenx.statements.compute`). Unsettled fills count in nothing, as on the
 * statements. The GXT and USDC lines are changes through the platform since the first month
 * shown, not balances: transfers in and out of the wallet are not the platform's records.
 */
import type { Schemas, WithBigints } from "../api/gateway";

export type Statement = WithBigints<Schemas["StatementPublic"]>;

export type EntryKind = "sell" | "buy" | "mint";

export interface LedgerEntry {
  readonly kind: EntryKind;
  /** Unix ms: the matcher's trade time, or the minted reading's time. */
  readonly timeMs: bigint;
  /** GXT base units in (+) or out (−) of the wallet. */
  readonly gxt: bigint;
  /** USDC base units received (+, after the fee) or paid (−). */
  readonly usdc: bigint;
  readonly fee: bigint;
  readonly savings: bigint;
  /** The `settle` transaction of a fill, the Registry mint of a mint. */
  readonly signature: string;
  readonly tradeId: bigint | null;
  readonly pricePerKwh: bigint | null;
}

function compare(left: LedgerEntry, right: LedgerEntry): number {
  if (left.timeMs !== right.timeMs) return left.timeMs < right.timeMs ? -1 : 1;
  if (left.signature !== right.signature) return left.signature < right.signature ? -1 : 1;
  return 0;
}

/** Every settled fill and mint of the statements, oldest first; an entry in two statements
 * (never expected: months do not overlap) is counted once. */
export function ledgerEntries(statements: readonly Statement[]): LedgerEntry[] {
  const entries = new Map<string, LedgerEntry>();
  for (const statement of statements) {
    for (const fill of statement.fills) {
      const sell = fill.side === "sell";
      entries.set(`${fill.side}:${fill.market}:${fill.trade_id.toString()}`, {
        kind: sell ? "sell" : "buy",
        timeMs: fill.timestamp_ms,
        gxt: sell ? -fill.quantity : fill.quantity,
        usdc: sell ? fill.net : -fill.net,
        fee: fill.fee,
        savings: fill.savings,
        signature: fill.settlement_signature,
        tradeId: fill.trade_id,
        pricePerKwh: fill.price_per_kwh,
      });
    }
    for (const mint of statement.mints) {
      entries.set(`mint:${mint.signature}`, {
        kind: "mint",
        timeMs: mint.timestamp_ms,
        gxt: mint.energy,
        usdc: 0n,
        fee: 0n,
        savings: 0n,
        signature: mint.signature,
        tradeId: null,
        pricePerKwh: null,
      });
    }
  }
  return [...entries.values()].sort(compare);
}

export interface RunningTotals {
  readonly timeMs: bigint;
  /** USDC received from sales, after fees. */
  readonly earned: bigint;
  /** USDC paid for purchases. */
  readonly spent: bigint;
  readonly savings: bigint;
  readonly fees: bigint;
  /** GXT change through the platform (minted + bought − sold). */
  readonly gxt: bigint;
  /** USDC change through the platform (earned − spent). */
  readonly usdc: bigint;
}

const ZERO: RunningTotals = { timeMs: 0n, earned: 0n, spent: 0n, savings: 0n, fees: 0n, gxt: 0n, usdc: 0n };

/** The running totals after each entry (entries oldest first). */
export function runningTotals(entries: readonly LedgerEntry[]): RunningTotals[] {
  let total = ZERO;
  return entries.map((entry) => {
    total = {
      timeMs: entry.timeMs,
      earned: total.earned + (entry.kind === "sell" ? entry.usdc : 0n),
      spent: total.spent + (entry.kind === "buy" ? -entry.usdc : 0n),
      savings: total.savings + entry.savings,
      fees: total.fees + entry.fee,
      gxt: total.gxt + entry.gxt,
      usdc: total.usdc + entry.usdc,
    };
    return total;
  });
}

/** The totals of all entries (zero for none). */
export function overallTotals(entries: readonly LedgerEntry[]): RunningTotals {
  return runningTotals(entries).at(-1) ?? ZERO;
}

/** One point per second for a time-scale chart (lightweight-charts wants strictly increasing
 * times): the last running total of each second. */
export function pointsPerSecond(totals: readonly RunningTotals[]): { readonly timeS: number; readonly totals: RunningTotals }[] {
  const points: { timeS: number; totals: RunningTotals }[] = [];
  for (const item of totals) {
    const timeS = Number(item.timeMs / 1000n);
    if (points.at(-1)?.timeS === timeS) points[points.length - 1] = { timeS, totals: item };
    else points.push({ timeS, totals: item });
  }
  return points;
}

export interface MonthSummary {
  readonly month: string;
  readonly earned: bigint;
  readonly spent: bigint;
  readonly fees: bigint;
  readonly savings: bigint;
  readonly energySold: bigint;
  readonly energyBought: bigint;
  readonly energyMinted: bigint;
  readonly tradesSettled: bigint;
  readonly tradesUnsettled: bigint;
}

/** Each statement's totals as the gateway computed them, newest month first. */
export function monthSummaries(statements: readonly Statement[]): MonthSummary[] {
  return statements
    .map((statement) => ({
      month: statement.month,
      earned: statement.totals.received_net,
      spent: statement.totals.paid,
      fees: statement.totals.fees,
      savings: statement.totals.savings_total,
      energySold: statement.totals.energy_sold,
      energyBought: statement.totals.energy_bought,
      energyMinted: statement.totals.energy_minted,
      tradesSettled: statement.totals.trades_settled,
      tradesUnsettled: statement.totals.trades_unsettled,
    }))
    .sort((left, right) => (left.month < right.month ? 1 : left.month > right.month ? -1 : 0));
}
