"use client";
import { useConnection } from "@solana/wallet-adapter-react";
import type { PublicKey } from "@solana/web3.js";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";

/** Re-read `queryKey` whenever one of `addresses` changes on chain (accountSubscribe). */
export function useInvalidateOnAccountChange(addresses: readonly PublicKey[], queryKey: QueryKey): void {
  const { connection } = useConnection();
  const queryClient = useQueryClient();
  const keys = addresses.map((address) => address.toBase58()).join(",");
  const serializedKey = JSON.stringify(queryKey);
  useEffect(() => {
    const invalidate = () => void queryClient.invalidateQueries({ queryKey: JSON.parse(serializedKey) as QueryKey });
    const ids = addresses.map((address) => connection.onAccountChange(address, invalidate, { commitment: "confirmed" }));
    return () => {
      for (const id of ids) void connection.removeAccountChangeListener(id);
    };
    // `keys` and `serializedKey` stand for `addresses` and `queryKey` by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection, queryClient, keys, serializedKey]);
}
