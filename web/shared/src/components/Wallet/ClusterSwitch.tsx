"use client";
import { useState, type FormEvent } from "react";

import { isValidRpcUrl, type ClusterKind } from "../../config/cluster";
import { useCluster } from "../../hooks/ClusterContext";

/** Local node, devnet or a custom RPC URL; stored in this browser, honoured by every view. */
export function ClusterSwitch() {
  const { cluster, setCluster } = useCluster();
  const [custom, setCustom] = useState(cluster.kind === "custom" ? cluster.rpcUrl : "");
  const [error, setError] = useState<string | null>(null);
  const choose = (kind: ClusterKind) => {
    if (kind !== "custom") {
      setError(null);
      setCluster({ kind });
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isValidRpcUrl(custom)) {
      setError("Enter an http:// or https:// RPC URL");
      return;
    }
    setError(null);
    setCluster({ kind: "custom", customRpcUrl: custom });
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label htmlFor="cluster-select" className="text-slate-500 dark:text-slate-400">
        Cluster
      </label>
      <select
        id="cluster-select"
        data-testid="cluster-select"
        value={cluster.kind}
        onChange={(event) => choose(event.target.value as ClusterKind)}
        className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
      >
        <option value="local">Local node</option>
        <option value="devnet">Devnet</option>
        <option value="custom">Custom RPC URL</option>
      </select>
      <form onSubmit={submit} className="flex items-center gap-1">
        <label htmlFor="custom-rpc" className="sr-only">
          Custom RPC URL
        </label>
        <input
          id="custom-rpc"
          type="url"
          placeholder="https://…"
          value={custom}
          onChange={(event) => setCustom(event.target.value)}
          className="w-48 rounded border border-slate-300 px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
        />
        <button type="submit" className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
          Use
        </button>
      </form>
      {error ? (
        <span role="alert" className="text-red-600">
          {error}
        </span>
      ) : null}
    </div>
  );
}
