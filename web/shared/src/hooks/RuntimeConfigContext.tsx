"use client";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";

import { fetchRuntimeConfig, type RuntimeConfig } from "../config/runtime";

const RuntimeConfigContext = createContext<RuntimeConfig | null>(null);

/** Loads `/api/config` once; children render only when it is there. */
export function RuntimeConfigProvider({ children }: { readonly children: (config: RuntimeConfig) => ReactNode }) {
  const query = useQuery({ queryKey: ["runtime-config"], queryFn: fetchRuntimeConfig, staleTime: Infinity });
  if (query.isPending) {
    return <p className="p-6 text-sm text-slate-500">Loading configuration…</p>;
  }
  if (query.isError) {
    return (
      <p role="alert" className="p-6 text-sm text-red-600">
        The app could not load its configuration: {query.error.message}. Is it running under `gridtokenx stack up`?
      </p>
    );
  }
  return <RuntimeConfigContext.Provider value={query.data}>{children(query.data)}</RuntimeConfigContext.Provider>;
}

export function useRuntimeConfig(): RuntimeConfig {
  const config = useContext(RuntimeConfigContext);
  if (!config) throw new Error("useRuntimeConfig outside RuntimeConfigProvider");
  return config;
}
