"use client";
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";

import {
  CLUSTER_STORAGE_KEY,
  parseClusterChoice,
  resolveCluster,
  type ClusterChoice,
  type ResolvedCluster,
} from "../config/cluster";
import { useRuntimeConfig } from "./RuntimeConfigContext";

interface ClusterState {
  readonly cluster: ResolvedCluster;
  readonly setCluster: (choice: ClusterChoice) => void;
}

const ClusterContext = createContext<ClusterState | null>(null);
const CHANGE_EVENT = "gridtokenx-cluster-change";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** The browser's cluster choice (localStorage), resolved against the platform's own cluster. */
export function ClusterProvider({ children }: { readonly children: ReactNode }) {
  const config = useRuntimeConfig();
  const stored = useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(CLUSTER_STORAGE_KEY),
    () => null,
  );
  const setCluster = useCallback((choice: ClusterChoice) => {
    window.localStorage.setItem(CLUSTER_STORAGE_KEY, JSON.stringify(choice));
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }, []);
  const value = useMemo(
    () => ({ cluster: resolveCluster(parseClusterChoice(stored), config), setCluster }),
    [stored, config, setCluster],
  );
  return <ClusterContext.Provider value={value}>{children}</ClusterContext.Provider>;
}

export function useCluster(): ClusterState {
  const state = useContext(ClusterContext);
  if (!state) throw new Error("useCluster outside ClusterProvider");
  return state;
}
