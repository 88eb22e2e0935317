"use client";
import { ConnectionProvider, WalletProvider } from "@solana/wallet-adapter-react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";

import { ClusterProvider, useCluster } from "../hooks/ClusterContext";
import { RuntimeConfigProvider } from "../hooks/RuntimeConfigContext";
import { WalletErrorProvider } from "../hooks/WalletErrorContext";
import { registerDevWallet } from "../wallet/devWallet";

function ChainProviders({ localRpcUrl, children }: { readonly localRpcUrl: string; readonly children: ReactNode }) {
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

/** TanStack Query, the runtime config, the cluster choice, the connection and the wallets. */
export function AppProviders({ children }: { readonly children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 2 } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <RuntimeConfigProvider>
        {(config) => (
          <ClusterProvider>
            <ChainProviders localRpcUrl={config.rpcUrl}>{children}</ChainProviders>
          </ClusterProvider>
        )}
      </RuntimeConfigProvider>
    </QueryClientProvider>
  );
}
