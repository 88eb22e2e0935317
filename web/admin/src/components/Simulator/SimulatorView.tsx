"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { queryString, type OperatorApi } from "../../hooks/useOperatorApi";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { Button, CELL, hasReason, ReasonInput, Select, Table, TextInput } from "../ui";

const FAULT_KINDS = ["offline", "corrupt", "forged_signature", "clock_skew", "duplicate", "burst"] as const;
const MIX_KINDS = ["consumer", "solar_prosumer", "battery_prosumer", "ev_charger"] as const;

interface Change {
  readonly label: string;
  readonly method: "POST" | "PUT" | "DELETE";
  readonly path: string;
  readonly body?: Record<string, unknown>;
}

function SimulatorPanel({ api }: { readonly api: OperatorApi }) {
  const queryClient = useQueryClient();
  const key = ["operator", api.address, "simulator"];
  const state = useQuery({ queryKey: key, queryFn: () => api.get<Schemas["SimulatorState"]>("/v1/operator/simulator"), refetchInterval: 5_000 });
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: ({ method, path, body }: Change) =>
      method === "DELETE"
        ? api.send<unknown>(method, `${path}${queryString({ reason: reason.trim() })}`)
        : api.send<unknown>(method, path, { ...body, reason: reason.trim() }),
    onSuccess: (_answer, { label }) => {
      setDone(`${label}: done.`);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const apply = (what: Change) => {
    setDone(null);
    change.mutate(what);
  };
  const ready = hasReason(reason) && !change.isPending;
  const run = state.data?.run;
  return (
    <div className="grid grid-cols-1 gap-4">
      <Card title="Reason" testId="simulator-reason">
        <ReasonInput id="simulator-reason-input" value={reason} onChange={setReason} />
        {!hasReason(reason) ? <p className="mt-1 text-xs text-slate-500">Every simulator change needs a reason (kept in the audit log).</p> : null}
        {change.isError ? <Notice tone="error">{errorText(change.error)}</Notice> : null}
        {done && !change.isError ? <Notice tone="info">{done}</Notice> : null}
      </Card>
      {state.isError ? <Notice tone="error">The simulator&apos;s state could not be read: {errorText(state.error)}</Notice> : null}
      {state.isPending ? <p className="text-sm text-slate-500">Reading the simulator…</p> : null}
      {state.data && run ? (
        <>
          <Card title="Run" testId="simulator-run">
            <dl className="mb-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
              <dt className="text-slate-500">State</dt>
              <dd data-testid="simulator-state">{run.state}</dd>
              <dt className="text-slate-500">Mode</dt>
              <dd>{run.mode}</dd>
              <dt className="text-slate-500">Speed</dt>
              <dd>{Number(run.speed)}× </dd>
              <dt className="text-slate-500">Simulated now</dt>
              <dd>{new Date(Number(run.position_ms)).toLocaleString()}</dd>
              <dt className="text-slate-500">Ticks published</dt>
              <dd>{run.ticks_published.toString()}</dd>
              <dt className="text-slate-500">Records published</dt>
              <dd>{run.records_published.toString()}</dd>
              <dt className="text-slate-500">Faults injected</dt>
              <dd>
                {Object.entries(run.faults_injected)
                  .map(([kind, count]) => `${kind} ${String(count)}`)
                  .join(", ") || "none"}
              </dd>
              <dt className="text-slate-500">Last error</dt>
              <dd>{run.last_error ?? "—"}</dd>
            </dl>
            <div className="flex flex-wrap gap-2">
              {(["start", "stop", "pause", "resume"] as const).map((action) => (
                <Button key={action} disabled={!ready} onClick={() => apply({ label: `Run ${action}`, method: "POST", path: `/v1/operator/simulator/run/${action}` })}>
                  {action[0]?.toUpperCase()}
                  {action.slice(1)}
                </Button>
              ))}
            </div>
            <StepAndSpeed ready={ready} speed={Number(run.speed)} apply={apply} />
          </Card>
          <FleetForm ready={ready} fleet={state.data.fleet} apply={apply} />
          <WeatherForm ready={ready} weather={state.data.weather} apply={apply} />
          <FaultsPanel ready={ready} faults={state.data.faults} apply={apply} />
        </>
      ) : null}
    </div>
  );
}

type Apply = (change: Change) => void;

function StepAndSpeed({ ready, speed, apply }: { readonly ready: boolean; readonly speed: number; readonly apply: Apply }) {
  const [ticks, setTicks] = useState("1");
  const [newSpeed, setNewSpeed] = useState(String(speed));
  return (
    <div className="mt-3 grid grid-cols-1 items-end gap-2 sm:grid-cols-4">
      <TextInput label="Ticks to step" id="sim-ticks" type="number" min={1} max={100000} value={ticks} onChange={(event) => setTicks(event.target.value)} />
      <Button disabled={!ready || !(Number(ticks) >= 1)} onClick={() => apply({ label: "Step", method: "POST", path: "/v1/operator/simulator/step", body: { ticks: Number(ticks) } })}>
        Step
      </Button>
      <TextInput label="Speed (simulated s per wall s)" id="sim-speed" type="number" min={0} step="any" value={newSpeed} onChange={(event) => setNewSpeed(event.target.value)} />
      <Button disabled={!ready || !(Number(newSpeed) > 0)} onClick={() => apply({ label: "Speed", method: "PUT", path: "/v1/operator/simulator/speed", body: { speed: Number(newSpeed) } })}>
        Set speed
      </Button>
    </div>
  );
}

function FleetForm({ ready, fleet, apply }: { readonly ready: boolean; readonly fleet: { readonly meter_count: bigint; readonly seed: bigint; readonly mix: Record<string, unknown> }; readonly apply: Apply }) {
  const [count, setCount] = useState(fleet.meter_count.toString());
  const [seed, setSeed] = useState("");
  const [mix, setMix] = useState<Record<string, string>>(Object.fromEntries(MIX_KINDS.map((kind) => [kind, String(Number(fleet.mix[kind] ?? 0))])));
  const total = MIX_KINDS.reduce((sum, kind) => sum + Number(mix[kind] ?? 0), 0);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({
      label: "Fleet",
      method: "PUT",
      path: "/v1/operator/simulator/fleet",
      body: {
        meter_count: Number(count),
        mix: Object.fromEntries(MIX_KINDS.map((kind) => [kind, Number(mix[kind] ?? 0)])),
        ...(seed.trim() ? { seed: BigInt(seed.trim()) } : {}),
      },
    });
  };
  return (
    <Card title="Fleet" testId="simulator-fleet">
      <p className="mb-2 text-sm">
        {fleet.meter_count.toString()} meters, seed {fleet.seed.toString()}. A new fleet starts a new run; the simulator refuses while a run is live.
      </p>
      <form onSubmit={submit} aria-label="Replace the fleet" className="grid grid-cols-1 items-end gap-2 sm:grid-cols-2 lg:grid-cols-4">
        <TextInput label="Meters" id="fleet-count" type="number" min={1} max={100000} value={count} onChange={(event) => setCount(event.target.value)} />
        {MIX_KINDS.map((kind) => (
          <TextInput
            key={kind}
            label={`Share ${kind.replace("_", " ")}`}
            id={`fleet-mix-${kind}`}
            type="number"
            min={0}
            max={1}
            step="0.01"
            value={mix[kind] ?? "0"}
            onChange={(event) => setMix({ ...mix, [kind]: event.target.value })}
          />
        ))}
        <TextInput label="Seed (empty: current + 1)" id="fleet-seed" inputMode="numeric" pattern="[0-9]*" value={seed} onChange={(event) => setSeed(event.target.value)} />
        <Button type="submit" disabled={!ready || !(Number(count) >= 1) || Math.abs(total - 1) > 1e-6}>
          Replace fleet
        </Button>
      </form>
      {Math.abs(total - 1) > 1e-6 ? <p className="mt-1 text-xs text-amber-700 dark:text-amber-300">The shares add up to {total.toFixed(2)}; they must add up to 1.</p> : null}
    </Card>
  );
}

function WeatherForm({ ready, weather, apply }: { readonly ready: boolean; readonly weather: { readonly cloud_cover_mean: unknown; readonly cloud_variability: unknown }; readonly apply: Apply }) {
  const [cover, setCover] = useState(String(Number(weather.cloud_cover_mean)));
  const [variability, setVariability] = useState(String(Number(weather.cloud_variability)));
  const valid = (text: string) => text !== "" && Number(text) >= 0 && Number(text) <= 1;
  return (
    <Card title="Weather" testId="simulator-weather">
      <div className="grid grid-cols-1 items-end gap-2 sm:grid-cols-3">
        <TextInput label="Cloud cover mean (0 clear – 1 overcast)" id="weather-cover" type="number" min={0} max={1} step="0.05" value={cover} onChange={(event) => setCover(event.target.value)} />
        <TextInput label="Cloud variability (0–1)" id="weather-variability" type="number" min={0} max={1} step="0.05" value={variability} onChange={(event) => setVariability(event.target.value)} />
        <Button
          disabled={!ready || !valid(cover) || !valid(variability)}
          onClick={() =>
            apply({ label: "Weather", method: "PUT", path: "/v1/operator/simulator/weather", body: { cloud_cover_mean: Number(cover), cloud_variability: Number(variability) } })
          }
        >
          Set weather
        </Button>
      </div>
    </Card>
  );
}

function FaultsPanel({ ready, faults, apply }: { readonly ready: boolean; readonly faults: readonly { readonly rule_id: bigint; readonly kind: string; readonly ticks: bigint; readonly remaining_ticks: bigint; readonly meter_ids: readonly string[]; readonly share: unknown; readonly skew_ms: bigint }[]; readonly apply: Apply }) {
  const [kind, setKind] = useState<string>("offline");
  const [ticks, setTicks] = useState("10");
  const [share, setShare] = useState("0.1");
  const [meters, setMeters] = useState("");
  const [skew, setSkew] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const meterIds = meters.split(/[\s,]+/).filter(Boolean);
    apply({
      label: "Fault injected",
      method: "POST",
      path: "/v1/operator/simulator/faults",
      body: { kind, ticks: Number(ticks), share: meterIds.length ? 0 : Number(share), meter_ids: meterIds, ...(kind === "clock_skew" && skew ? { skew_ms: Number(skew) } : {}) },
    });
  };
  return (
    <Card title="Fault injection" testId="simulator-faults">
      {faults.length > 0 ? (
        <Table caption="Active fault rules" head={["Rule", "Kind", "Ticks left", "Meters", "Share", ""]}>
          {faults.map((fault) => (
            <tr key={fault.rule_id.toString()}>
              <td className={CELL}>{fault.rule_id.toString()}</td>
              <td className={CELL}>{fault.kind}</td>
              <td className={CELL}>
                {fault.remaining_ticks.toString()} / {fault.ticks.toString()}
              </td>
              <td className={`${CELL} font-mono text-xs break-all`}>{fault.meter_ids.join(", ") || "—"}</td>
              <td className={CELL}>{Number(fault.share)}</td>
              <td className={CELL}>
                <Button tone="secondary" disabled={!ready} onClick={() => apply({ label: `Fault ${fault.rule_id.toString()} removed`, method: "DELETE", path: `/v1/operator/simulator/faults/${fault.rule_id.toString()}` })}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </Table>
      ) : (
        <p className="mb-2 text-sm text-slate-500">No active fault rule.</p>
      )}
      <form onSubmit={submit} aria-label="Inject a fault" className="mt-3 grid grid-cols-1 items-end gap-2 sm:grid-cols-2 lg:grid-cols-3">
        <Select label="Kind" id="fault-kind" value={kind} onChange={(event) => setKind(event.target.value)}>
          {FAULT_KINDS.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate.replace("_", " ")}
            </option>
          ))}
        </Select>
        <TextInput label="Ticks" id="fault-ticks" type="number" min={1} value={ticks} onChange={(event) => setTicks(event.target.value)} />
        <TextInput label="Share of the fleet (0–1)" id="fault-share" type="number" min={0} max={1} step="0.01" value={share} onChange={(event) => setShare(event.target.value)} />
        <TextInput label="Or meter ids (comma-separated)" id="fault-meters" value={meters} onChange={(event) => setMeters(event.target.value)} />
        <TextInput label="Clock skew (ms, clock skew only)" id="fault-skew" type="number" min={1} value={skew} onChange={(event) => setSkew(event.target.value)} disabled={kind !== "clock_skew"} />
        <Button type="submit" disabled={!ready || !(Number(ticks) >= 1)}>
          Inject fault
        </Button>
      </form>
    </Card>
  );
}

export function SimulatorView() {
  return <OperatorPage title="Simulator control">{(api) => <SimulatorPanel api={api} />}</OperatorPage>;
}
