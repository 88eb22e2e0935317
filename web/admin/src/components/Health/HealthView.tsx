"use client";
import type { Schemas, WithBigints } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { appendSample, type Sample } from "../../lib/history";
import type { OperatorApi } from "../../hooks/useOperatorApi";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { CELL, Table } from "../ui";
import { Sparkline } from "./Sparkline";

type Health = WithBigints<Schemas["PipelineHealth"]>;

const POLL_MS = 3_000;
/** Three minutes of samples at one per poll. */
const HISTORY = 60;
const WINDOW_S = 60;

interface Metric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly read: (health: Health) => number | null;
  readonly error: (health: Health) => string | null | undefined;
}

function numberOf(value: unknown): number | null {
  if (typeof value === "bigint") return Number(value);
  return typeof value === "number" ? value : null;
}

function sum(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : known.reduce((total, value) => total + value, 0);
}

export const METRICS: readonly Metric[] = [
  { key: "lag", label: "Kafka consumer lag", unit: "records", read: (h) => sum(h.consumer_groups.map((group) => numberOf(group.total_lag))), error: (h) => h.consumer_groups.find((group) => group.error)?.error },
  { key: "dead", label: "Dead letters", unit: "records", read: (h) => sum(h.dead_letters.map((topic) => numberOf(topic.records))), error: (h) => h.dead_letters.find((topic) => topic.error)?.error },
  { key: "ingest", label: "Ingest rate", unit: "readings/s", read: (h) => numberOf(h.ingest.readings_produced_per_s), error: (h) => h.ingest.kafka_error ?? h.ingest.postgres_error },
  { key: "mint", label: "Mint rate", unit: "confirmed/s", read: (h) => numberOf(h.mint.confirmed_per_s), error: (h) => h.mint.error },
  { key: "backlog", label: "Settlement backlog", unit: "fills pending", read: (h) => numberOf(h.settlement.pending), error: (h) => h.settlement.error },
  { key: "slot", label: "Chain slot", unit: "", read: (h) => numberOf(h.chain.slot), error: (h) => h.chain.error },
  { key: "rtt", label: "RPC round trip", unit: "ms", read: (h) => numberOf(h.chain.rpc_round_trip_ms), error: (h) => h.chain.error },
];

function formatMetric(value: number | null, unit: string): string {
  if (value === null) return "—";
  const text = Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 2 });
  return unit ? `${text} ${unit}` : text;
}

function HealthPanel({ api }: { readonly api: OperatorApi }) {
  const health = useQuery({
    queryKey: ["operator", api.address, "pipeline-health"],
    queryFn: () => api.get<Schemas["PipelineHealth"]>(`/v1/operator/pipeline/health?window_s=${WINDOW_S}`),
    refetchInterval: POLL_MS,
  });
  const [history, setHistory] = useState<Readonly<Record<string, readonly Sample[]>>>({});
  const observed = health.data?.observed_at;
  useEffect(() => {
    const data = health.data;
    if (!data) return;
    const atMs = Date.parse(data.observed_at);
    // One sample per answer, kept in memory only (a reload starts a new history).
    // eslint-disable-next-line react-hooks/set-state-in-effect -- appending the poll's answer to the history is the effect
    setHistory((previous) => Object.fromEntries(METRICS.map((metric) => [metric.key, appendSample(previous[metric.key] ?? [], { atMs, value: metric.read(data) }, HISTORY)])));
    // observed_at changes with every answer; the data object with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [observed]);
  const data = health.data;
  return (
    <div className="grid grid-cols-1 gap-4">
      {health.isError ? <Notice tone="error">Pipeline health could not be read: {errorText(health.error)}</Notice> : null}
      {health.isPending ? <p className="text-sm text-slate-500">Reading the pipeline…</p> : null}
      {data ? (
        <>
          <p className="text-sm text-slate-500" aria-live="polite">
            Observed {new Date(data.observed_at).toLocaleTimeString()}, rates over the last {data.window_s.toString()} s; refreshed every {POLL_MS / 1000} s.
          </p>
          <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="health-metrics">
            {METRICS.map((metric) => {
              const samples = history[metric.key] ?? [];
              const value = metric.read(data);
              const problem = metric.error(data);
              return (
                <li key={metric.key} data-testid="health-metric" data-metric={metric.key} data-value={value ?? ""} className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
                  <p className="text-xs uppercase text-slate-500 dark:text-slate-400">{metric.label}</p>
                  <p className="text-lg font-semibold">{formatMetric(value, metric.unit)}</p>
                  <Sparkline samples={samples} label={`${metric.label}, last ${samples.length} samples`} />
                  {problem ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{problem}</p> : null}
                </li>
              );
            })}
          </ul>
          <Card title="Consumer groups" testId="consumer-groups">
            <Table caption="Kafka consumer lag per group" head={["Group", "Topic", "Offsets in", "Lag", "Partitions", "Error"]}>
              {data.consumer_groups.map((group) => (
                <tr key={`${group.group}/${group.topic}`}>
                  <td className={`${CELL} font-mono`}>{group.group}</td>
                  <td className={`${CELL} font-mono`}>{group.topic}</td>
                  <td className={CELL}>{group.offsets_in}</td>
                  <td className={CELL}>{group.total_lag?.toString() ?? "—"}</td>
                  <td className={CELL}>{group.partitions?.length ?? "—"}</td>
                  <td className={`${CELL} text-red-700 dark:text-red-300`}>{group.error ?? ""}</td>
                </tr>
              ))}
            </Table>
          </Card>
          <Card title="Dead letters, ingest, mint, settlement, chain" testId="pipeline-detail">
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm md:grid-cols-4">
              {data.dead_letters.map((topic) => (
                <div key={topic.topic} className="contents">
                  <dt className="font-mono text-slate-500">{topic.topic}</dt>
                  <dd>{topic.records?.toString() ?? topic.error ?? "—"}</dd>
                </div>
              ))}
              <dt className="text-slate-500">Readings produced</dt>
              <dd>{data.ingest.readings_produced?.toString() ?? "—"}</dd>
              <dt className="text-slate-500">Meters reporting</dt>
              <dd>{data.ingest.meters_reporting?.toString() ?? "—"}</dd>
              <dt className="text-slate-500">Mints confirmed / failed / pending</dt>
              <dd>
                {data.mint.confirmed?.toString() ?? "—"} / {data.mint.failed?.toString() ?? "—"} / {data.mint.pending?.toString() ?? "—"}
              </dd>
              <dt className="text-slate-500">Energy minted</dt>
              <dd>{data.mint.minted_wh != null ? `${data.mint.minted_wh.toString()} Wh` : "—"}</dd>
              <dt className="text-slate-500">Settlements pending / submitted</dt>
              <dd>
                {data.settlement.pending?.toString() ?? "—"} / {data.settlement.submitted?.toString() ?? "—"}
              </dd>
              <dt className="text-slate-500">Oldest pending</dt>
              <dd>{data.settlement.oldest_pending_age_s != null ? `${Number(data.settlement.oldest_pending_age_s).toFixed(1)} s` : "—"}</dd>
              <dt className="text-slate-500">Chain</dt>
              <dd className="break-all">
                {data.chain.rpc_url}: {data.chain.health ?? data.chain.error ?? "—"}
              </dd>
            </dl>
          </Card>
        </>
      ) : null}
    </div>
  );
}

export function HealthView() {
  return <OperatorPage title="Pipeline health">{(api) => <HealthPanel api={api} />}</OperatorPage>;
}
