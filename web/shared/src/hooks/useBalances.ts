"use client";
import { useConnection, useWallet } from "@solana/wallet-adapter-react";
import { PublicKey } from "@solana/web3.js";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { associatedTokenAddress, tokenAccountAmount } from "../chain/accounts";
import { useCluster } from "./ClusterContext";
import { useInvalidateOnAccountChange } from "./useAccountSubscriptions";
import type { ChainAddresses } from "../config/runtime";

export interface Balances {
  readonly lamports: bigint;
  /** null: the wallet has no GXT account (yet). */
  readonly gxt: bigint | null;
  readonly usdc: bigint | null;
}

/** SOL, GXT and USDC of the connected wallet, re-read whenever one of its accounts changes. */
export function useBalances(addresses: ChainAddresses | null) {
  const { connection } = useConnection();
  const { publicKey } = useWallet();
  const { cluster } = useCluster();
  const accounts = useMemo(() => {
    if (!publicKey) return [];
    const keys = [publicKey];
    if (addresses) {
      keys.push(
        associatedTokenAddress(publicKey, new PublicKey(addresses.gxt_mint)),
        associatedTokenAddress(publicKey, new PublicKey(addresses.quote_mint)),
      );
    }
    return keys;
  }, [publicKey, addresses]);
  const queryKey = ["balances", cluster.rpcUrl, accounts.map((key) => key.toBase58())];
  useInvalidateOnAccountChange(accounts, queryKey);
  return useQuery({
    queryKey,
    enabled: accounts.length > 0,
    queryFn: async (): Promise<Balances> => {
      const infos = await connection.getMultipleAccountsInfo(accounts, "confirmed");
      const amount = (index: number) => {
        const info = infos[index];
        return info ? tokenAccountAmount(info.data) : null;
      };
      return { lamports: BigInt(infos[0]?.lamports ?? 0), gxt: amount(1), usdc: amount(2) };
    },
  });
}
