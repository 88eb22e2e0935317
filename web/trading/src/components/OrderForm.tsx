"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import type { ChainAddresses } from "@gridtokenx/shared/config/runtime";
import {
  TOKEN_DECIMALS,
  buyEscrow,
  formatBaseUnits,
  formatGxt,
  formatPricePerKwh,
  formatUsdc,
  maxOrderQuantity,
  parseBaseUnits,
} from "@gridtokenx/shared/format/units";
import { useBalances } from "@gridtokenx/shared/hooks/useBalances";
import { TIME_IN_FORCE_LABELS, type TimeInForce } from "@gridtokenx/shared/chain/order";
import { readPrefill } from "@gridtokenx/shared/map/orderPrefill";
import { useState } from "react";

import { TransactionOutcome, type Outcome } from "./TransactionOutcome";

type Side = Schemas["PlaceOrderRequest"]["side"];

interface Draft {
  readonly side: Side;
  readonly price: bigint;
  readonly quantity: bigint;
  readonly timeInForce: TimeInForce;
}

const TIME_IN_FORCE_CHOICES: readonly { value: TimeInForce; label: string; help: string }[] = [
  { value: "gtc", label: "GTC", help: "rests in the book until it fills, you cancel it or it expires" },
  { value: "ioc", label: "IOC", help: "fills what it can at once; the rest is cancelled and its escrow returned" },
  { value: "post_only", label: "Post-only", help: "only rests as a maker; if it would trade at once it is cancelled and its escrow returned" },
];

function parseField(text: string, what: string): bigint | string {
  if (!text.trim()) return `Enter a ${what.toLowerCase()}.`;
  try {
    const value = parseBaseUnits(text, TOKEN_DECIMALS);
    return value > 0n ? value : `${what} must be more than zero.`;
  } catch (error) {
    return `${what}: ${(error as Error).message}.`;
  }
}

/**
 * A limit order: side, time in force (GTC, IOC or post-only: stored in the on-chain order and
 * applied by the matcher), price in USDC per kWh and quantity in kWh, parsed to base units; a
 * review step shows the time in force and what the order locks before the wallet signs.
 */
export function OrderForm({
  addresses,
  place,
}: {
  readonly addresses: ChainAddresses;
  readonly place: (draft: Draft) => Promise<Schemas["SubmitResponse"]>;
}) {
  const balances = useBalances(addresses);
  // A zone on the grid map links here with ?zone=&side=&quantity= (map/orderPrefill.ts), read
  // once (the form renders in the browser only: it needs the runtime configuration).
  const [prefill] = useState(() => (typeof window === "undefined" ? null : readPrefill(window.location.search)));
  const prefillZone = prefill?.zone ?? null;
  const [side, setSide] = useState<Side>(prefill?.side ?? "sell");
  const [timeInForce, setTimeInForce] = useState<TimeInForce>("gtc");
  const [priceText, setPriceText] = useState("");
  const [quantityText, setQuantityText] = useState(prefill?.quantityKwh ?? "");
  const [review, setReview] = useState<Draft | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" });

  const price = parseField(priceText, "Price");
  const quantity = parseField(quantityText, "Quantity");
  const gxt = balances.data?.gxt ?? 0n;
  const usdc = balances.data?.usdc ?? 0n;
  const maximum = typeof price === "bigint" ? maxOrderQuantity(side, price, gxt, usdc) : null;
  const problems = [price, quantity].filter((value): value is string => typeof value === "string");

  const submit = async (draft: Draft) => {
    setOutcome({ state: "pending" });
    try {
      setOutcome({ state: "done", result: await place(draft) });
    } catch (error) {
      setOutcome({ state: "failed", error: error instanceof Error ? error : new Error(String(error)) });
    } finally {
      setReview(null);
    }
  };

  if (review) {
    const locks = review.side === "sell" ? formatGxt(review.quantity) : formatUsdc(buyEscrow(review.price, review.quantity));
    return (
      <Card title="Review order" testId="order-review">
        <p className="text-sm">
          Limit {review.side} of {formatBaseUnits(review.quantity, TOKEN_DECIMALS)} kWh at {formatPricePerKwh(review.price)},{" "}
          <span data-testid="review-time-in-force" data-value={review.timeInForce}>
            {TIME_IN_FORCE_LABELS[review.timeInForce].toLowerCase()}
          </span>
          . It locks <span data-testid="review-escrow">{locks}</span> in the market
          {review.timeInForce === "gtc"
            ? " until it fills or you cancel it."
            : review.timeInForce === "ioc"
              ? "; what does not fill at once is cancelled and returned to you."
              : "; if it would trade at once, it is cancelled and returned to you."}
        </p>
        <div className="mt-3 flex gap-2">
          <button
            type="button"
            disabled={outcome.state === "pending"}
            onClick={() => void submit(review)}
            className="rounded bg-sky-700 px-3 py-1 text-white disabled:opacity-50"
          >
            Sign and place
          </button>
          <button type="button" onClick={() => setReview(null)} className="rounded border border-slate-300 px-3 py-1">
            Edit
          </button>
        </div>
        <TransactionOutcome outcome={outcome} />
      </Card>
    );
  }

  return (
    <Card title="Place a limit order" testId="order-form">
      <form
        className="grid gap-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          if (typeof price === "bigint" && typeof quantity === "bigint") {
            setOutcome({ state: "idle" });
            setReview({ side, price, quantity, timeInForce });
          }
        }}
      >
        {prefillZone !== null ? (
          <p className="text-xs text-slate-500" data-testid="order-prefill" data-zone={prefillZone}>
            Suggested from zone {prefillZone} on the grid map (one order book for every zone).
          </p>
        ) : null}
        <fieldset className="flex gap-4">
          <legend className="sr-only">Side</legend>
          {(["buy", "sell"] as const).map((choice) => (
            <label key={choice} className="flex items-center gap-1">
              <input type="radio" name="side" value={choice} checked={side === choice} onChange={() => setSide(choice)} />
              {choice === "buy" ? "Buy" : "Sell"}
            </label>
          ))}
        </fieldset>
        <fieldset className="grid gap-1" data-testid="order-time-in-force">
          <legend className="mb-1">Time in force</legend>
          <div className="flex flex-wrap gap-4">
            {TIME_IN_FORCE_CHOICES.map((choice) => (
              <label key={choice.value} className="flex items-center gap-1" title={TIME_IN_FORCE_LABELS[choice.value]}>
                <input
                  type="radio"
                  name="time-in-force"
                  value={choice.value}
                  checked={timeInForce === choice.value}
                  onChange={() => setTimeInForce(choice.value)}
                  aria-describedby="order-time-in-force-help"
                />
                {choice.label}
              </label>
            ))}
          </div>
          <p id="order-time-in-force-help" className="text-xs text-slate-500">
            {TIME_IN_FORCE_LABELS[timeInForce]}: {TIME_IN_FORCE_CHOICES.find((choice) => choice.value === timeInForce)?.help}.
          </p>
        </fieldset>
        <label className="grid gap-1">
          Price (USDC per kWh)
          <input
            inputMode="decimal"
            value={priceText}
            onChange={(event) => setPriceText(event.target.value)}
            className="rounded border border-slate-300 px-2 py-1 font-mono dark:bg-slate-800"
          />
        </label>
        <label className="grid gap-1">
          Quantity (kWh)
          <input
            inputMode="decimal"
            value={quantityText}
            onChange={(event) => setQuantityText(event.target.value)}
            className="rounded border border-slate-300 px-2 py-1 font-mono dark:bg-slate-800"
          />
        </label>
        {maximum !== null ? (
          <p className="text-slate-500">
            At most <span data-testid="order-maximum" data-base-units={maximum.toString()}>{formatGxt(maximum)}</span>{" "}
            <button
              type="button"
              onClick={() => setQuantityText(formatBaseUnits(maximum, TOKEN_DECIMALS, { group: false }))}
              className="underline"
            >
              Use maximum
            </button>
          </p>
        ) : null}
        {priceText || quantityText ? (
          <ul role="alert" className="text-red-600">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : null}
        <button type="submit" disabled={problems.length > 0} className="rounded bg-sky-700 px-3 py-1 text-white disabled:opacity-50">
          Review
        </button>
      </form>
      <TransactionOutcome outcome={outcome} />
    </Card>
  );
}
