"use client";
// Shared by both apps (moved from web/trading/src/hooks for the admin console; the trading app
// can import it from here instead of keeping its own copy).
import { GatewayError, gatewayGet, gatewayPost, toBase64, type Schemas } from "../../api/gateway";
import { useRuntimeConfig } from "../../hooks/RuntimeConfigContext";
import { useWallet } from "@solana/wallet-adapter-react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

export interface GatewaySession {
  readonly address: string;
  readonly accessToken: string;
  readonly role: Schemas["TokenResponse"]["role"];
}

interface AccountSession {
  readonly accessToken: string;
  readonly role: Schemas["TokenResponse"]["role"];
  readonly expiresInS: number;
  /** The account's linked wallets: the session serves whichever of them is connected. */
  readonly wallets: readonly string[];
}

export interface GatewaySessionState {
  readonly session: GatewaySession | null;
  /** True until the silent restore on load has answered. */
  readonly restoring: boolean;
  readonly pending: boolean;
  readonly error: Error | null;
  readonly signIn: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<GatewaySessionState | null>(null);

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_S = 30;

// One refresh at a time per page: a refresh token used twice ends its session on the gateway
// (refresh_token_reused), so concurrent callers (React's development double effects, two
// components) share the one request.
let inflight: Promise<Schemas["TokenResponse"]> | null = null;

function refreshTokens(gatewayUrl: string): Promise<Schemas["TokenResponse"]> {
  inflight ??= gatewayPost<Schemas["TokenResponse"]>({ baseUrl: gatewayUrl, path: "/v1/auth/refresh" }).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function accountSession(gatewayUrl: string, tokens: Schemas["TokenResponse"]): Promise<AccountSession> {
  const account = await gatewayGet<Schemas["AccountPublic"]>({ baseUrl: gatewayUrl, path: "/v1/me", accessToken: tokens.access_token });
  return {
    accessToken: tokens.access_token,
    role: tokens.role,
    expiresInS: tokens.expires_in_s,
    wallets: account.wallets.map((wallet) => wallet.address),
  };
}

/** The session the refresh cookie still holds; no cookie or an ended session is no error (the
 * person signs in again), anything else is worth saying. */
async function restoredSession(gatewayUrl: string): Promise<{ account: AccountSession | null; error: Error | null }> {
  try {
    return { account: await accountSession(gatewayUrl, await refreshTokens(gatewayUrl)), error: null };
  } catch (caught) {
    if (caught instanceof GatewayError && caught.status === 401) return { account: null, error: null };
    return { account: null, error: caught instanceof Error ? caught : new Error(String(caught)) };
  }
}

/**
 * The gateway session of this page. Sign-in with the connected wallet: `solana:signIn` on the
 * gateway's input when the wallet has it, else `signMessage` on the text the nonce route returns.
 * On load the session is restored silently with the refresh route (the gateway's HttpOnly cookie,
 * sent across 127.0.0.1 ports as the same site) and kept fresh before the access token expires.
 * The access token lives in memory only (never in storage). The session serves a connected wallet
 * that belongs to its account; with another wallet, or none, there is none.
 */
export function GatewaySessionProvider({ children }: { readonly children: ReactNode }) {
  const { gatewayUrl } = useRuntimeConfig();
  const { publicKey, signIn, signMessage } = useWallet();
  const [account, setAccount] = useState<AccountSession | null>(null);
  const [restoring, setRestoring] = useState(true);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const address = publicKey?.toBase58() ?? null;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const restore = useCallback(() => {
    restoredSession(gatewayUrl).then((restored) => {
      setAccount(restored.account);
      if (restored.error) setError(restored.error);
      setRestoring(false);
    }, () => setRestoring(false));
  }, [gatewayUrl]);

  useEffect(restore, [restore]);

  useEffect(() => {
    if (!account) return;
    const delayS = Math.max(5, account.expiresInS - REFRESH_MARGIN_S);
    timer.current = setTimeout(restore, delayS * 1000);
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [account, restore]);

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
      setAccount(await accountSession(gatewayUrl, tokens));
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setPending(false);
    }
  }, [address, gatewayUrl, signIn, signMessage]);

  const stop = useCallback(async () => {
    setAccount(null);
    await gatewayPost<unknown>({ baseUrl: gatewayUrl, path: "/v1/auth/sign-out" }).catch(() => undefined);
  }, [gatewayUrl]);

  const value = useMemo<GatewaySessionState>(() => {
    const session =
      account && address && account.wallets.includes(address) ? { address, accessToken: account.accessToken, role: account.role } : null;
    return { session, restoring, pending, error, signIn: start, signOut: stop };
  }, [account, address, restoring, pending, error, start, stop]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useGatewaySession(): GatewaySessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useGatewaySession outside GatewaySessionProvider");
  return state;
}

/** The session state, or null outside a GatewaySessionProvider (shared chrome such as the
 * notification bell, which some pages render without one). */
export function useOptionalGatewaySession(): GatewaySessionState | null {
  return useContext(SessionContext);
}
