"use client";
import { AppProviders } from "@gridtokenx/shared/components/AppProviders";
import dynamic from "next/dynamic";
import type { ReactNode } from "react";

// Uses the wallet adapter: loaded with it, after the first load (see AppProviders).
const GatewaySessionProvider = dynamic(
  () => import("@gridtokenx/shared/components/Session/GatewaySessionContext").then((module) => module.GatewaySessionProvider),
  { ssr: false },
);

/** The shared providers and the operator's gateway session (restored silently on load). */
export function Providers({ children }: { readonly children: ReactNode }) {
  return (
    <AppProviders>
      <GatewaySessionProvider>{children}</GatewaySessionProvider>
    </AppProviders>
  );
}
