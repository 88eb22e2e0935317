"use client";
import { GatewayError, fromBase64, gatewayPost, toBase64, type Schemas } from "@gridtokenx/shared/api/gateway";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useWallet } from "@solana/wallet-adapter-react";
import { Transaction } from "@solana/web3.js";
import { useCallback } from "react";

/**
 * prepare → the wallet signs → the gateway relays: `prepare` asks a gateway route for the
 * unsigned transaction, the wallet fills in its signature (nothing else changes), and the
 * submit route answers the signature once the cluster confirmed it.
 */
export function useWalletTransaction(accessToken: string | null) {
  const { gatewayUrl } = useRuntimeConfig();
  const { signTransaction } = useWallet();
  return useCallback(
    async (path: string, body?: unknown): Promise<Schemas["SubmitResponse"]> => {
      if (!accessToken) throw new GatewayError(401, "unauthenticated", "Sign in with your wallet first.", {});
      if (!signTransaction) throw new Error("This wallet cannot sign transactions.");
      const prepared = await gatewayPost<Schemas["PreparedTransaction"]>({ baseUrl: gatewayUrl, path, body, accessToken });
      const signed = await signTransaction(Transaction.from(fromBase64(prepared.transaction)));
      return gatewayPost<Schemas["SubmitResponse"]>({
        baseUrl: gatewayUrl,
        path: "/v1/transactions/submit",
        body: { transaction: toBase64(signed.serialize()), wait: true },
        accessToken,
      });
    },
    [accessToken, gatewayUrl, signTransaction],
  );
}
