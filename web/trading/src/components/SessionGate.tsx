"use client";
import { useGatewaySession } from "@gridtokenx/shared/components/Session/GatewaySessionContext";
import { EmptyState } from "@gridtokenx/shared/components/ui/EmptyState";
import { useWallet } from "@solana/wallet-adapter-react";
import type { ReactNode } from "react";

import { SignInPanel } from "./SignInPanel";

/** The account's pages: a wallet to connect, then the gateway session, then `children` with
 * the session's access token. */
export function SessionGate({ what, children }: { readonly what: string; readonly children: (accessToken: string) => ReactNode }) {
  const { publicKey } = useWallet();
  const gateway = useGatewaySession();
  const accessToken = gateway.session?.accessToken ?? null;
  if (!publicKey) return <EmptyState title="No wallet connected" detail={`Connect your wallet to see ${what}.`} />;
  if (!accessToken) return <SignInPanel {...gateway} />;
  return <>{children(accessToken)}</>;
}
