"use client";
import { useConnection } from "@solana/wallet-adapter-react";
import { useQuery } from "@tanstack/react-query";

import type { ChainAddresses } from "../config/runtime";
import { useCluster } from "./ClusterContext";
import { useRuntimeConfig } from "./RuntimeConfigContext";

export type MarketState =
  | { readonly status: "loading" }
  | { readonly status: "unavailable"; readonly reason: string }
  | { readonly status: "ready"; readonly addresses: ChainAddresses };

/**
 * The bootstrapped addresses, but only on the chain they were bootstrapped on: the selected
 * cluster's genesis hash must equal the one in the addresses file.
 */
export function useMarket(): MarketState {
  const { connection } = useConnection();
  const { cluster } = useCluster();
  const config = useRuntimeConfig();
  const genesis = useQuery({
    queryKey: ["genesis-hash", cluster.rpcUrl],
    queryFn: () => connection.getGenesisHash(),
    staleTime: Infinity,
    retry: 1,
  });
  if (!config.addresses) {
    return { status: "unavailable", reason: config.addressesError ?? "the chain is not bootstrapped" };
  }
  if (genesis.isPending) return { status: "loading" };
  if (genesis.isError) {
    return { status: "unavailable", reason: `${cluster.rpcUrl} is unreachable (${genesis.error.message})` };
  }
  if (genesis.data !== config.addresses.genesis_hash) {
    return {
      status: "unavailable",
      reason: `no GridTokenX market is bootstrapped on ${cluster.label} (genesis ${genesis.data})`,
    };
  }
  return { status: "ready", addresses: config.addresses };
}
