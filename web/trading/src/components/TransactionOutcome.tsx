"use client";
import { GatewayError, type Schemas } from "@gridtokenx/shared/api/gateway";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";

import { errorText } from "../errorText";

export type Outcome =
  | { readonly state: "idle" }
  | { readonly state: "pending" }
  | { readonly state: "done"; readonly result: Schemas["SubmitResponse"] }
  | { readonly state: "failed"; readonly error: Error };

/** What became of a transaction: its signature, or the gateway's (or wallet's) reason in words. */
export function TransactionOutcome({ outcome }: { readonly outcome: Outcome }) {
  switch (outcome.state) {
    case "idle":
      return null;
    case "pending":
      return <Notice tone="info">Waiting for the wallet and the cluster…</Notice>;
    case "done":
      return (
        <Notice tone="info">
          {outcome.result.kind === "place_order" ? "Order placed" : "Order cancelled"}
          {outcome.result.confirmed ? " and confirmed" : ""}: transaction{" "}
          <span data-testid="transaction-signature" className="break-all font-mono">
            {outcome.result.signature}
          </span>
        </Notice>
      );
    case "failed":
      return (
        <Notice tone="error">
          <span data-testid="transaction-error" data-code={outcome.error instanceof GatewayError ? outcome.error.code : "wallet"}>
            {errorText(outcome.error)}
          </span>
        </Notice>
      );
  }
}
