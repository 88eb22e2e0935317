"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState, type ReactNode } from "react";

import { ClusterProvider } from "../hooks/ClusterContext";
import { RuntimeConfigProvider } from "../hooks/RuntimeConfigContext";

// web3.js and the wallet adapter are the largest part of the apps' JavaScript: they load as their
// own chunk, requested as soon as this module runs (in parallel with /api/config), not as part of
// every page's first load.
const loadChainProviders = () => import("./ChainProviders").then((module) => module.ChainProviders);
if (typeof window !== "undefined") void loadChainProviders();

const ChainProviders = dynamic(loadChainProviders, {
  ssr: false,
  loading: () => <p className="p-6 text-sm text-slate-500">Loading wallets…</p>,
});

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
