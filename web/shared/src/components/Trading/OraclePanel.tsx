"use client";
import type { UseQueryResult } from "@tanstack/react-query";

import { formatLocalMinor } from "../../format/units";
import { toLocalMinor, type FeedReading, type Quote } from "../../oracle/quote";
import { priceText } from "../../oracle/valuation";
import { Card } from "../ui/Card";

function Feed({ feed }: { readonly feed: FeedReading }) {
  const update = feed.update;
  return (
    <li className="py-1" data-testid="oracle-feed" data-feed={feed.name} data-problems={feed.problems.join(",")}>
      <span className="font-medium">{feed.name}</span>{" "}
      <span className="font-mono">
        {update ? `${priceText({ mantissa: update.price, exponent: update.exponent })} ± ${priceText({ mantissa: update.conf, exponent: update.exponent })}` : "—"}
      </span>
      {feed.ageS !== null ? <span className="ml-2 text-xs text-slate-500">{feed.ageS.toString()} s old</span> : null}
      {feed.problems.map((problem) => (
        <span key={problem} className="ml-2 rounded bg-amber-200 px-1.5 text-xs font-semibold text-amber-900">
          {problem}
        </span>
      ))}
    </li>
  );
}

/** The Pyth reference price read from its on-chain accounts, with stale/low-confidence flags. */
export function OraclePanel({ quote }: { readonly quote: UseQueryResult<Quote> }) {
  let body;
  if (quote.isError) {
    body = <p role="alert" className="text-sm text-red-600">Could not read the price accounts: {quote.error.message}</p>;
  } else if (!quote.data) {
    body = <p className="text-sm text-slate-500">Reading the price accounts…</p>;
  } else {
    const oneUsdc = toLocalMinor(quote.data, 1_000_000n);
    body = (
      <>
        <p
          className="mb-2 text-lg font-semibold"
          data-testid="oracle-value"
          data-local-minor={oneUsdc === null ? "none" : oneUsdc.toString()}
        >
          {oneUsdc !== null
            ? `1 USDC ≈ ${formatLocalMinor(oneUsdc, quote.data.minorUnitDigits, quote.data.currency)}`
            : `No usable USDC → ${quote.data.currency} price`}
        </p>
        <ul className="text-sm">
          <Feed feed={quote.data.usdcUsd} />
          <Feed feed={quote.data.fx} />
        </ul>
      </>
    );
  }
  return (
    <Card title="Reference price (Pyth, on chain)" testId="oracle">
      {body}
    </Card>
  );
}
