"use client";
import { WalletReadyState } from "@solana/wallet-adapter-base";
import { useWallet } from "@solana/wallet-adapter-react";
import { useEffect, useState } from "react";

import { useCluster } from "../../hooks/ClusterContext";
import { useWalletError } from "../../hooks/WalletErrorContext";
import { DEV_WALLET_NAME } from "../../wallet/devWallet";

function shortAddress(address: string): string {
  return `${address.slice(0, 4)}…${address.slice(-4)}`;
}

/**
 * Connect / disconnect, styled here (wallet-adapter-react-ui's stylesheet fetches a web font).
 * The development wallet is offered only while the cluster is the local node.
 */
export function WalletButton() {
  const { wallet, publicKey, connected, disconnect } = useWallet();
  const { cluster } = useCluster();
  const isDev = wallet?.adapter.name === DEV_WALLET_NAME;
  const onLocal = cluster.kind === "local";

  useEffect(() => {
    if (isDev && !onLocal && connected) void disconnect();
  }, [isDev, onLocal, connected, disconnect]);

  if (!connected || !publicKey) {
    // Its own component: the menu's open state starts closed after every connection.
    return <ConnectMenu onLocal={onLocal} />;
  }
  return (
    <div className="flex items-center gap-2 text-sm">
      {isDev ? (
        <span className="rounded bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-900" title="A key kept in this browser: for the local node only">
          DEV WALLET
        </span>
      ) : null}
      <span data-testid="wallet-address" data-address={publicKey.toBase58()} className="font-mono">
        {shortAddress(publicKey.toBase58())}
      </span>
      <button
        type="button"
        onClick={() => void disconnect()}
        className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        Disconnect
      </button>
    </div>
  );
}

function ConnectMenu({ onLocal }: { readonly onLocal: boolean }) {
  const { wallets, wallet, connecting, select, connect } = useWallet();
  const { error, clear } = useWalletError();
  const [open, setOpen] = useState(false);
  const offered = wallets.filter(
    (candidate) =>
      (candidate.readyState === WalletReadyState.Installed || candidate.readyState === WalletReadyState.Loadable) &&
      (onLocal || candidate.adapter.name !== DEV_WALLET_NAME),
  );
  return (
    <div className="relative text-sm">
      <button
        type="button"
        aria-expanded={open}
        aria-haspopup="menu"
        onClick={() => {
          clear();
          setOpen(!open);
        }}
        className="rounded bg-emerald-600 px-3 py-1.5 font-medium text-white hover:bg-emerald-700 focus:outline-none focus:ring-2 focus:ring-emerald-400"
      >
        {connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {open ? (
        <ul role="menu" aria-label="Wallets" className="absolute right-0 z-20 mt-2 w-80 rounded-md border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
          {offered.length === 0 ? (
            <li className="p-2 text-slate-500">No wallet found: install Phantom or Solflare, or pick the local node for the development wallet.</li>
          ) : null}
          {offered.map((candidate) => {
            const dev = candidate.adapter.name === DEV_WALLET_NAME;
            return (
              <li key={candidate.adapter.name} role="none">
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    clear();
                    if (wallet?.adapter.name === candidate.adapter.name) {
                      // Errors reach the provider's onError, shown below.
                      connect().catch(() => undefined);
                    } else {
                      // The provider's autoConnect connects a newly selected wallet.
                      select(candidate.adapter.name);
                    }
                  }}
                  className="flex w-full items-center gap-2 rounded px-2 py-2 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                  {/* eslint-disable-next-line @next/next/no-img-element -- a wallet's data: URI icon */}
                  <img src={candidate.adapter.icon} alt="" width={20} height={20} />
                  <span>{dev ? "Development wallet" : candidate.adapter.name}</span>
                  {dev ? <span className="ml-auto rounded bg-amber-200 px-1.5 text-xs text-amber-900">local node only · not for real funds</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="absolute right-0 mt-2 w-80 rounded border border-red-300 bg-red-50 p-2 text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
