"use client";
import { useConnection } from "@solana/wallet-adapter-react";
import { SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { clockUnixTimestamp } from "../chain/accounts";
import type { ChainAddresses } from "../config/runtime";
import { priceAccount } from "../oracle/priceAccounts";
import { makeQuote, readFeed, type Quote } from "../oracle/quote";
import { useCluster } from "./ClusterContext";
import { useRuntimeConfig } from "./RuntimeConfigContext";
import { useInvalidateOnAccountChange } from "./useAccountSubscriptions";

/**
 * USDC → local currency from the two Pyth PriceUpdateV2 accounts, read with the Clock sysvar in
 * one getMultipleAccounts (stale is judged by the cluster's clock), live by account subscriptions.
 */
export function useOracleQuote(addresses: ChainAddresses | null) {
  const { connection } = useConnection();
  const { cluster } = useCluster();
  const { oracle } = useRuntimeConfig();
  const accounts = useMemo(
    () => [priceAccount(oracle.usdcUsdFeedId, oracle, addresses), priceAccount(oracle.fxFeedId, oracle, addresses)],
    [oracle, addresses],
  );
  const queryKey = ["oracle", cluster.rpcUrl, accounts.map((key) => key.toBase58())];
  useInvalidateOnAccountChange(accounts, queryKey);
  return useQuery({
    queryKey,
    // Staleness grows with the clock even when no account changes.
    refetchInterval: 15_000,
    queryFn: async (): Promise<Quote> => {
      const [usdcUsdKey, fxKey] = accounts as [(typeof accounts)[0], (typeof accounts)[0]];
      const [clock, usdcUsd, fx] = await connection.getMultipleAccountsInfo(
        [SYSVAR_CLOCK_PUBKEY, usdcUsdKey, fxKey],
        "confirmed",
      );
      if (!clock) throw new Error("the cluster answered no Clock sysvar");
      const now = clockUnixTimestamp(clock.data);
      return makeQuote(
        readFeed("USDC/USD", usdcUsdKey.toBase58(), oracle.usdcUsdFeedId, usdcUsd ?? null, now, oracle),
        readFeed(oracle.fxName, fxKey.toBase58(), oracle.fxFeedId, fx ?? null, now, oracle),
        oracle,
      );
    },
  });
}
