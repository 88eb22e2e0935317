"use client";
import { gatewayPost, toBase64, type Schemas } from "@gridtokenx/shared/api/gateway";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useWallet } from "@solana/wallet-adapter-react";
import { useCallback, useState } from "react";

export interface GatewaySession {
  readonly address: string;
  readonly accessToken: string;
  readonly role: Schemas["TokenResponse"]["role"];
}

/**
 * Sign-in with the connected wallet: `solana:signIn` on the gateway's input when the wallet has
 * it, else `signMessage` on the text the nonce route returns. The access token lives in this
 * hook's state only (never in storage); the gateway keeps the refresh token in its cookie.
 * A session belongs to the wallet that signed in: with another wallet, or none, there is none.
 */
export function useGatewaySession() {
  const { gatewayUrl } = useRuntimeConfig();
  const { publicKey, signIn, signMessage } = useWallet();
  const [session, setSession] = useState<GatewaySession | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const address = publicKey?.toBase58() ?? null;

  const start = useCallback(async () => {
    if (!address) return;
    setPending(true);
    setError(null);
    try {
      let request: Schemas["SignInRequest"];
      if (signIn) {
        const issued = await gatewayPost<Schemas["NonceResponse"]>({ baseUrl: gatewayUrl, path: "/v1/auth/nonce", body: {} });
        const output = await signIn({ ...issued.input, address: issued.input.address ?? undefined });
        request = {
          address: output.account.address,
          signed_message: toBase64(output.signedMessage),
          signature: toBase64(output.signature),
        };
      } else if (signMessage) {
        const issued = await gatewayPost<Schemas["NonceResponse"]>({ baseUrl: gatewayUrl, path: "/v1/auth/nonce", body: { address } });
        if (!issued.message) throw new Error("The gateway returned no message to sign.");
        const message = new TextEncoder().encode(issued.message);
        request = { address, signed_message: toBase64(message), signature: toBase64(await signMessage(message)) };
      } else {
        throw new Error("This wallet can neither sign in nor sign messages.");
      }
      const tokens = await gatewayPost<Schemas["TokenResponse"]>({ baseUrl: gatewayUrl, path: "/v1/auth/sign-in", body: request });
      setSession({ address: request.address, accessToken: tokens.access_token, role: tokens.role });
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setPending(false);
    }
  }, [address, gatewayUrl, signIn, signMessage]);

  return { session: session?.address === address ? session : null, pending, error, signIn: start };
}
