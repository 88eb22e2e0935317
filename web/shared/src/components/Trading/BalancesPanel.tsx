"use client";
import { useWallet } from "@solana/wallet-adapter-react";

import type { ChainAddresses } from "../../config/runtime";
import { formatGxt, formatLocalMinor, formatSol, formatUsdc } from "../../format/units";
import { useBalances } from "../../hooks/useBalances";
import { toLocalMinor, type Quote } from "../../oracle/quote";
import { Card } from "../ui/Card";
import { EmptyState } from "../ui/EmptyState";

function Row({ label, testId, value, text, extra }: { readonly label: string; readonly testId: string; readonly value: bigint | null; readonly text: string; readonly extra?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd data-testid={testId} data-base-units={value === null ? "none" : value.toString()} className="font-mono tabular-nums">
        {text}
        {extra ? <span className="ml-2 text-xs text-slate-500">≈ {extra}</span> : null}
      </dd>
    </div>
  );
}

/** SOL, GXT and USDC of the connected wallet, straight from the chain. */
export function BalancesPanel({ addresses, quote }: { readonly addresses: ChainAddresses | null; readonly quote: Quote | undefined }) {
  const { publicKey } = useWallet();
  const balances = useBalances(addresses);
  if (!publicKey) {
    return (
      <Card title="Balances" testId="balances">
        <EmptyState title="No wallet connected" detail="Connect a wallet to see its SOL, GXT and USDC." />
      </Card>
    );
  }
  if (balances.isError) {
    return (
      <Card title="Balances" testId="balances">
        <p role="alert" className="text-sm text-red-600">Could not read balances: {balances.error.message}</p>
      </Card>
    );
  }
  const data = balances.data;
  if (!data) {
    return (
      <Card title="Balances" testId="balances">
        <p className="text-sm text-slate-500">Reading the chain…</p>
      </Card>
    );
  }
  const usdcLocal = data.usdc !== null && quote ? toLocalMinor(quote, data.usdc) : null;
  return (
    <Card title="Balances" testId="balances">
      <dl className="text-sm" data-testid="balances-loaded">
        <Row label="SOL" testId="balance-sol" value={data.lamports} text={formatSol(data.lamports, { maxFractionDigits: 4 })} />
        {addresses ? (
          <>
            <Row label="GXT" testId="balance-gxt" value={data.gxt} text={data.gxt === null ? "no GXT account" : formatGxt(data.gxt)} />
            <Row
              label="USDC"
              testId="balance-usdc"
              value={data.usdc}
              text={data.usdc === null ? "no USDC account" : formatUsdc(data.usdc)}
              extra={usdcLocal !== null && quote ? formatLocalMinor(usdcLocal, quote.minorUnitDigits, quote.currency) : undefined}
            />
          </>
        ) : null}
      </dl>
    </Card>
  );
}
