"use client";
import { GatewayError, fromBase64, gatewayPost, toBase64, type Schemas } from "@gridtokenx/shared/api/gateway";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useWallet } from "@solana/wallet-adapter-react";
import { VersionedTransaction } from "@solana/web3.js";
import { useCallback } from "react";

/**
 * The connected wallet's signature on a transaction the gateway prepared (base64 wire format in,
 * base64 out): the wallet fills in its own signature slot and changes nothing else. Slots of
 * other signers stay as they are — signed already (a meter registration's nonce account) or
 * empty for a later co-signer (the Registry authority) — so nothing here requires them.
 */
export function useSignPrepared() {
  const { signTransaction } = useWallet();
  return useCallback(
    async (transaction: string): Promise<string> => {
      if (!signTransaction) throw new Error("This wallet cannot sign transactions.");
      const signed = await signTransaction(VersionedTransaction.deserialize(fromBase64(transaction)));
      return toBase64(signed.serialize());
    },
    [signTransaction],
  );
}

/**
 * prepare → the wallet signs → the gateway relays: `prepare` asks a gateway route for the
 * unsigned transaction, the wallet fills in its signature (nothing else changes), and the
 * submit route answers the signature once the cluster confirmed it.
 */
export function useWalletTransaction(accessToken: string | null) {
  const { gatewayUrl } = useRuntimeConfig();
  const signPrepared = useSignPrepared();
  return useCallback(
    async (path: string, body?: unknown): Promise<Schemas["SubmitResponse"]> => {
      if (!accessToken) throw new GatewayError(401, "unauthenticated", "Sign in with your wallet first.", {});
      const prepared = await gatewayPost<Schemas["PreparedTransaction"]>({ baseUrl: gatewayUrl, path, body, accessToken });
      return gatewayPost<Schemas["SubmitResponse"]>({
        baseUrl: gatewayUrl,
        path: "/v1/transactions/submit",
        body: { transaction: await signPrepared(prepared.transaction), wait: true },
        accessToken,
      });
    },
    [accessToken, gatewayUrl, signPrepared],
  );
}
