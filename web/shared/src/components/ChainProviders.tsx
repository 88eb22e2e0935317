"use client";
import { ConnectionProvider, WalletProvider } from "@solana/wallet-adapter-react";
import { useEffect, type ReactNode } from "react";

import { useCluster } from "../hooks/ClusterContext";
import { WalletErrorProvider } from "../hooks/WalletErrorContext";
import { registerDevWallet } from "../wallet/devWallet";

/** The selected cluster's connection and the wallets (web3.js and the wallet adapter). */
export function ChainProviders({ localRpcUrl, children }: { readonly localRpcUrl: string; readonly children: ReactNode }) {
  const { cluster } = useCluster();
  useEffect(() => registerDevWallet(localRpcUrl), [localRpcUrl]);
  return (
    <ConnectionProvider
      key={cluster.rpcUrl}
      endpoint={cluster.rpcUrl}
      config={{ commitment: "confirmed", wsEndpoint: cluster.wsUrl }}
    >
      <WalletErrorProvider>
        {(report) => (
          // No adapter packages: Phantom, Solflare and the dev wallet come through the Wallet
          // Standard. autoConnect also connects a wallet as soon as it is selected.
          <WalletProvider wallets={[]} autoConnect onError={report}>
            {children}
          </WalletProvider>
        )}
      </WalletErrorProvider>
    </ConnectionProvider>
  );
}
