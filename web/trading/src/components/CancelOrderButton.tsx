"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import type { OrderAccount } from "@gridtokenx/shared/chain/order";
import { useState } from "react";

import { TransactionOutcome, type Outcome } from "./TransactionOutcome";

/** Cancel one open order: the escrow and anything claimable go back to the wallet. */
export function CancelOrderButton({
  order,
  cancel,
}: {
  readonly order: OrderAccount;
  readonly cancel: (order: OrderAccount) => Promise<Schemas["SubmitResponse"]>;
}) {
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" });
  return (
    <div className="grid gap-1">
      <button
        type="button"
        disabled={outcome.state === "pending"}
        aria-label={`Cancel order ${order.orderId.toString()}`}
        onClick={() => {
          setOutcome({ state: "pending" });
          cancel(order).then(
            (result) => setOutcome({ state: "done", result }),
            (error: unknown) => setOutcome({ state: "failed", error: error instanceof Error ? error : new Error(String(error)) }),
          );
        }}
        className="rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-50"
      >
        Cancel
      </button>
      {outcome.state === "failed" ? <TransactionOutcome outcome={outcome} /> : null}
    </div>
  );
}
