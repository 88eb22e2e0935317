"use client";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";

import { errorText } from "../errorText";
import type { GatewaySessionState } from "@gridtokenx/shared/components/Session/GatewaySessionContext";

/** Whether the connected wallet is signed in with the gateway, and the buttons for it. */
export function SignInPanel({ session, restoring, pending, error, signIn, signOut }: GatewaySessionState) {
  let body;
  if (session) {
    body = (
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <p data-testid="signed-in" data-role={session.role}>
          Signed in as {session.role}.
        </p>
        <button type="button" onClick={() => void signOut()} className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-600">
          Sign out
        </button>
      </div>
    );
  } else if (restoring) {
    body = (
      <p className="text-sm text-slate-500" data-testid="session-restoring">
        Restoring your session…
      </p>
    );
  } else {
    body = (
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
    );
  }
  return (
    <Card title="Gateway session" testId="gateway-session">
      {body}
    </Card>
  );
}
