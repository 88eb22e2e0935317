"use client";
import { useConnection, useWallet } from "@solana/wallet-adapter-react";
import { PublicKey } from "@solana/web3.js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";

import { ORDER_LEN, ORDER_MARKET_OFFSET, ORDER_OWNER_OFFSET, decodeOrder, type OrderAccount } from "../chain/order";
import type { ChainAddresses } from "../config/runtime";
import { useCluster } from "./ClusterContext";
import { useInvalidateOnAccountChange } from "./useAccountSubscriptions";

/**
 * The connected wallet's order accounts on the market (getProgramAccounts, memcmp on market and
 * owner), re-read when the program reports a matching account or one of them changes or closes.
 */
export function useOpenOrders(addresses: ChainAddresses | null) {
  const { connection } = useConnection();
  const { publicKey } = useWallet();
  const { cluster } = useCluster();
  const queryClient = useQueryClient();
  const owner = publicKey?.toBase58() ?? null;
  const filters = useMemo(
    () =>
      addresses && owner
        ? [
            { dataSize: ORDER_LEN },
            { memcmp: { offset: ORDER_MARKET_OFFSET, bytes: addresses.market } },
            { memcmp: { offset: ORDER_OWNER_OFFSET, bytes: owner } },
          ]
        : null,
    [addresses, owner],
  );
  const queryKey = useMemo(() => ["orders", cluster.rpcUrl, addresses?.market ?? null, owner], [cluster.rpcUrl, addresses, owner]);
  const query = useQuery({
    queryKey,
    enabled: filters !== null,
    queryFn: async (): Promise<OrderAccount[]> => {
      if (!addresses || !filters) return [];
      const found = await connection.getProgramAccounts(new PublicKey(addresses.trading_program), {
        commitment: "confirmed",
        filters,
      });
      return found
        .map(({ pubkey, account }) => decodeOrder(pubkey.toBase58(), account.data))
        .sort((left, right) => (left.orderId < right.orderId ? -1 : left.orderId > right.orderId ? 1 : 0));
    },
  });
  useEffect(() => {
    if (!addresses || !filters) return;
    const id = connection.onProgramAccountChange(
      new PublicKey(addresses.trading_program),
      () => void queryClient.invalidateQueries({ queryKey }),
      { commitment: "confirmed", filters },
    );
    return () => void connection.removeProgramAccountChangeListener(id);
  }, [connection, queryClient, addresses, filters, queryKey]);
  const orderKeys = useMemo(() => (query.data ?? []).map((order) => new PublicKey(order.address)), [query.data]);
  useInvalidateOnAccountChange(orderKeys, queryKey);
  return query;
}
