/** The cluster the browser talks to, kept in localStorage; every view reads it from context. */

export type ClusterKind = "local" | "devnet" | "custom";

export interface ClusterChoice {
  readonly kind: ClusterKind;
  /** Only for `custom`. */
  readonly customRpcUrl?: string;
}

export interface ResolvedCluster {
  readonly kind: ClusterKind;
  readonly label: string;
  readonly rpcUrl: string;
  /** undefined: web3.js derives it from the RPC URL. */
  readonly wsUrl: string | undefined;
}

export const DEVNET_RPC_URL = "https://api.devnet.solana.com";
export const CLUSTER_STORAGE_KEY = "gridtokenx.cluster";

export function resolveCluster(
  choice: ClusterChoice,
  platform: { readonly rpcUrl: string; readonly wsUrl: string },
): ResolvedCluster {
  if (choice.kind === "devnet") {
    return { kind: "devnet", label: "devnet", rpcUrl: DEVNET_RPC_URL, wsUrl: undefined };
  }
  if (choice.kind === "custom" && choice.customRpcUrl) {
    return { kind: "custom", label: choice.customRpcUrl, rpcUrl: choice.customRpcUrl, wsUrl: undefined };
  }
  return { kind: "local", label: "local node", rpcUrl: platform.rpcUrl, wsUrl: platform.wsUrl };
}

export function isValidRpcUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export function parseClusterChoice(stored: string | null): ClusterChoice {
  if (!stored) return { kind: "local" };
  try {
    const value = JSON.parse(stored) as Partial<ClusterChoice>;
    if (value.kind === "devnet") return { kind: "devnet" };
    if (value.kind === "custom" && typeof value.customRpcUrl === "string" && isValidRpcUrl(value.customRpcUrl)) {
      return { kind: "custom", customRpcUrl: value.customRpcUrl };
    }
  } catch {
    // A corrupt entry falls back to the local node.
  }
  return { kind: "local" };
}
