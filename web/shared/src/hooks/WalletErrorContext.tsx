"use client";
import type { WalletError } from "@solana/wallet-adapter-base";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

interface WalletErrorState {
  readonly error: string | null;
  readonly report: (error: WalletError) => void;
  readonly clear: () => void;
}

const WalletErrorContext = createContext<WalletErrorState | null>(null);

/** The last wallet error (refused connection, rejected signature), for the wallet button. */
export function WalletErrorProvider({ children }: { readonly children: (report: (error: WalletError) => void) => ReactNode }) {
  const [error, setError] = useState<string | null>(null);
  const report = useCallback((walletError: WalletError) => setError(walletError.message || walletError.name), []);
  const clear = useCallback(() => setError(null), []);
  const value = useMemo(() => ({ error, report, clear }), [error, report, clear]);
  return <WalletErrorContext.Provider value={value}>{children(report)}</WalletErrorContext.Provider>;
}

export function useWalletError(): WalletErrorState {
  const state = useContext(WalletErrorContext);
  if (!state) throw new Error("useWalletError outside WalletErrorProvider");
  return state;
}
