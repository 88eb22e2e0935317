"use client";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useGatewaySession } from "@gridtokenx/shared/components/Session/GatewaySessionContext";
import { useWallet } from "@solana/wallet-adapter-react";
import type { ReactNode } from "react";

import { useOperatorApi, type OperatorApi } from "../hooks/useOperatorApi";
import { errorText } from "./errorText";
import { Button } from "./ui";

/** The operator's session: connect and sign in with the operator's wallet, then the page. */
function SessionPanel() {
  const { connected } = useWallet();
  const { session, restoring, pending, error, signIn, signOut } = useGatewaySession();
  let body: ReactNode;
  if (session) {
    body = (
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <p data-testid="signed-in" data-role={session.role}>
          Signed in as {session.role}.
        </p>
        <Button tone="secondary" onClick={() => void signOut()}>
          Sign out
        </Button>
        {session.role !== "operator" ? (
          <Notice tone="error">This wallet&apos;s account is a {session.role}: the admin console needs an operator&apos;s wallet.</Notice>
        ) : null}
      </div>
    );
  } else if (restoring) {
    body = (
      <p className="text-sm text-slate-500" data-testid="session-restoring">
        Restoring your session…
      </p>
    );
  } else if (!connected) {
    body = <p className="text-sm">Connect the operator&apos;s wallet (top right) to sign in.</p>;
  } else {
    body = (
      <div className="grid grid-cols-1 gap-2 text-sm">
        <p>Sign in with the operator&apos;s wallet: it signs a message; no key leaves it.</p>
        <Button className="w-fit" disabled={pending} onClick={() => void signIn()}>
          Sign in with wallet
        </Button>
        {error ? <Notice tone="error">{errorText(error)}</Notice> : null}
      </div>
    );
  }
  return (
    <Card title="Operator session" testId="gateway-session">
      {body}
    </Card>
  );
}

/** A page of the console: its heading, the session panel, and its content once an operator is signed in. */
export function OperatorPage({ title, children }: { readonly title: string; readonly children: (api: OperatorApi) => ReactNode }) {
  const api = useOperatorApi();
  return (
    <div className="grid grid-cols-1 gap-4">
      <h1 className="text-xl font-semibold">{title}</h1>
      <SessionPanel />
      {api ? children(api) : null}
    </div>
  );
}
