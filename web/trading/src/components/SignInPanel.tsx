"use client";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";

import { errorText } from "../errorText";
import type { GatewaySession } from "../hooks/useGatewaySession";

/** Whether the connected wallet is signed in with the gateway, and the button that does it. */
export function SignInPanel({
  session,
  pending,
  error,
  signIn,
}: {
  readonly session: GatewaySession | null;
  readonly pending: boolean;
  readonly error: Error | null;
  readonly signIn: () => Promise<void>;
}) {
  return (
    <Card title="Gateway session" testId="gateway-session">
      {session ? (
        <p className="text-sm" data-testid="signed-in" data-role={session.role}>
          Signed in as {session.role}.
        </p>
      ) : (
        <div className="grid gap-2 text-sm">
          <p>Sign in with your wallet to place and cancel orders. Your wallet signs a message; no key leaves it.</p>
          <button
            type="button"
            disabled={pending}
            onClick={() => void signIn()}
            className="w-fit rounded bg-sky-700 px-3 py-1 text-white disabled:opacity-50"
          >
            Sign in with wallet
          </button>
          {error ? <Notice tone="error">{errorText(error)}</Notice> : null}
        </div>
      )}
    </Card>
  );
}
