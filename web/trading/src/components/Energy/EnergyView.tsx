"use client";
import { GatewayError, gatewayGet, type Schemas, type WithBigints } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { EmptyState } from "@gridtokenx/shared/components/ui/EmptyState";
import { meterNames } from "@gridtokenx/shared/energy/meterNames";
import { ENERGY_RANGES, energyPerPeriod, intervalsPerPeriod, totals, type EnergyRange } from "@gridtokenx/shared/energy/readings";
import { formatWh } from "@gridtokenx/shared/format/units";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useWallet } from "@solana/wallet-adapter-react";
import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useMemo, useState } from "react";

import { errorText } from "../../errorText";
import { useGatewaySession } from "@gridtokenx/shared/components/Session/GatewaySessionContext";
import { Signature } from "../History/Signature";
import { SignInPanel } from "../SignInPanel";
import { MeterRequestCard } from "./MeterRequestCard";
import { StatementCard } from "./StatementCard";

const EnergyChart = dynamic(() => import("./EnergyChart").then((module) => module.EnergyChart), {
  ssr: false,
  loading: () => <div className="h-64 w-full animate-pulse rounded bg-slate-100 dark:bg-slate-800" />,
});

type Meter = WithBigints<Schemas["MeterPublic"]>;

/** One of my meters the gateway answers 404 for is one only the chain knows: the platform has
 * recorded no reading or mint for it (its routes read the platform's records). */
function unrecorded(error: Error): boolean {
  return error instanceof GatewayError && error.code === "meter_not_found";
}

const NOT_RECORDED = "The platform has no records of this meter yet (it is on the chain only).";

function MetersCard({ meters, selected, select }: { readonly meters: readonly Meter[]; readonly selected: string | null; readonly select: (id: string) => void }) {
  // Names given in the registration form (this browser only); rendered client-side only.
  const names = meterNames(window.localStorage);
  return (
    <Card title="My meters" testId="my-meters">
      {meters.length === 0 ? (
        <EmptyState title="No meters" detail="Meters registered to your wallets appear here once the registry has them." />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th scope="col">Meter</th>
                <th scope="col">Status</th>
                <th scope="col">Zone</th>
                <th scope="col">Minted</th>
                <th scope="col">Latest reading</th>
              </tr>
            </thead>
            <tbody>
              {meters.map((meter) => (
                <tr
                  key={meter.meter_id}
                  data-testid="meter-row"
                  data-meter-id={meter.meter_id}
                  data-status={meter.status}
                  data-zone={meter.zone_id.toString()}
                  data-minted-wh={meter.minted_wh.toString()}
                  data-source={meter.source}
                >
                  <td>
                    <label className="flex items-center gap-2">
                      <input type="radio" name="meter" checked={selected === meter.meter_id} onChange={() => select(meter.meter_id)} />
                      {names[meter.meter_id] ? <span>{names[meter.meter_id]}</span> : null}
                      <span className="font-mono text-xs" title={meter.address ?? undefined}>
                        {meter.meter_id.slice(0, 8)}
                      </span>
                    </label>
                  </td>
                  <td>{meter.status}</td>
                  <td>{meter.zone_id.toString()}</td>
                  <td className="font-mono">{formatWh(meter.minted_wh)}</td>
                  <td className="font-mono text-xs">
                    {meter.latest_reading
                      ? `↑${formatWh(meter.latest_reading.export_wh)} ↓${formatWh(meter.latest_reading.import_wh)}`
                      : "none yet"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** The energy route's `from`/`to` query of the range ending now. */
function rangeQuery(range: EnergyRange, extra: Record<string, string> = {}): string {
  const end = Date.now();
  return new URLSearchParams({
    from: new Date(end - ENERGY_RANGES[range].spanMs).toISOString(),
    to: new Date(end).toISOString(),
    ...extra,
  }).toString();
}

/** Production and consumption per period: from the 15-minute intervals PostgreSQL keeps (the
 * energy of each interval, exact), summed per hour (week) or day (month); when the platform has
 * no intervals in the range, from the register readings InfluxDB keeps (differences of
 * consecutive buckets). */
function ProductionCard({ meterId, accessToken }: { readonly meterId: string; readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const [range, setRange] = useState<EnergyRange>("day");
  const meterPath = `/v1/meters/${encodeURIComponent(meterId)}`;
  const intervals = useQuery({
    queryKey: ["intervals", gatewayUrl, meterId, range, accessToken],
    queryFn: () => gatewayGet<Schemas["IntervalsPublic"]>({ baseUrl: gatewayUrl, path: `${meterPath}/intervals?${rangeQuery(range)}`, accessToken }),
    refetchInterval: 30_000,
    retry: (failures, error) => !unrecorded(error) && failures < 2,
  });
  const fromIntervals = (intervals.data?.data.length ?? 0) > 0;
  const readings = useQuery({
    queryKey: ["readings", gatewayUrl, meterId, range, accessToken],
    enabled: intervals.isSuccess && !fromIntervals,
    queryFn: () =>
      gatewayGet<Schemas["ReadingsPublic"]>({
        baseUrl: gatewayUrl,
        path: `${meterPath}/readings?${rangeQuery(range, { resolution: String(ENERGY_RANGES[range].resolutionS) })}`,
        accessToken,
      }),
    refetchInterval: 60_000,
    retry: (failures, error) => !unrecorded(error) && failures < 2,
  });
  const periods = useMemo(
    () =>
      fromIntervals
        ? intervalsPerPeriod(
            (intervals.data?.data ?? []).map((interval) => ({ startMs: Date.parse(interval.interval_start), exportWh: interval.export_wh, importWh: interval.import_wh })),
            ENERGY_RANGES[range].resolutionS,
          )
        : energyPerPeriod(
            (readings.data?.data ?? []).map((point) => ({ timeMs: Date.parse(point.time), exportWh: point.export_wh, importWh: point.import_wh })),
          ),
    [fromIntervals, intervals.data, readings.data, range],
  );
  const error = intervals.error ?? readings.error;
  const loaded = fromIntervals || readings.data !== undefined;
  const sum = totals(periods);
  return (
    <Card title="Production and consumption" testId="energy-production">
      <div role="group" aria-label="Range" className="mb-2 flex gap-1 text-xs">
        {(Object.keys(ENERGY_RANGES) as EnergyRange[]).map((choice) => (
          <button
            key={choice}
            type="button"
            aria-pressed={choice === range}
            onClick={() => setRange(choice)}
            className={`rounded border px-2 py-0.5 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600 ${choice === range ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 dark:border-slate-600"}`}
          >
            {choice}
          </button>
        ))}
      </div>
      {error && unrecorded(error) ? (
        <EmptyState title="No readings in this range" detail={NOT_RECORDED} />
      ) : error ? (
        <p role="alert" className="text-sm text-red-600">Could not load readings: {errorText(error)}</p>
      ) : !loaded ? (
        <p className="text-sm text-slate-500">Loading readings…</p>
      ) : periods.length === 0 ? (
        <EmptyState title="No readings in this range" detail="Readings the meter sends appear here per period." />
      ) : (
        <>
          <p className="mb-2 text-sm" data-testid="energy-source" data-source={fromIntervals ? "intervals" : "readings"}>
            Produced <span data-testid="produced-wh" data-wh={sum.producedWh.toString()} className="font-mono">{formatWh(sum.producedWh)}</span>,
            consumed <span data-testid="consumed-wh" data-wh={sum.consumedWh.toString()} className="font-mono">{formatWh(sum.consumedWh)}</span>
          </p>
          <EnergyChart periods={periods} />
        </>
      )}
    </Card>
  );
}

function MintsCard({ meterId, accessToken }: { readonly meterId: string; readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const mints = useQuery({
    queryKey: ["mints", gatewayUrl, meterId, accessToken],
    queryFn: () =>
      gatewayGet<Schemas["MintsPublic"]>({ baseUrl: gatewayUrl, path: `/v1/meters/${encodeURIComponent(meterId)}/mints?limit=50`, accessToken }),
    refetchInterval: 15_000,
    retry: (failures, error) => !unrecorded(error) && failures < 2,
  });
  return (
    <Card title="Minted GXT" testId="meter-mints">
      {mints.isError && unrecorded(mints.error) ? (
        <EmptyState title="Nothing minted yet" detail={NOT_RECORDED} />
      ) : mints.isError ? (
        <p role="alert" className="text-sm text-red-600">Could not load mints: {errorText(mints.error)}</p>
      ) : !mints.data ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : mints.data.data.length === 0 ? (
        <EmptyState title="Nothing minted yet" detail="Each mint transaction for this meter's exported energy appears here." />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th scope="col">Reading time (UTC)</th>
                <th scope="col">Minted</th>
                <th scope="col">Status</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody className="font-mono tabular-nums">
              {mints.data.data.map((mint) => (
                <tr key={mint.tx_signature} data-testid="mint-row" data-status={mint.status}>
                  <td>{new Date(Number(mint.timestamp_ms)).toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>{mint.minted_wh === null ? "—" : `${formatWh(mint.minted_wh)} → GXT`}</td>
                  <td>{mint.status}</td>
                  <td>
                    <Signature signature={mint.tx_signature} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** My meters, their production and consumption, and the GXT minted for them (the gateway's
 * energy routes; the caller's own meters only). */
export function EnergyView() {
  const { gatewayUrl } = useRuntimeConfig();
  const { publicKey } = useWallet();
  const gateway = useGatewaySession();
  const accessToken = gateway.session?.accessToken ?? null;
  const [chosen, setChosen] = useState<string | null>(null);
  const meters = useQuery({
    queryKey: ["meters", gatewayUrl, accessToken],
    enabled: accessToken !== null,
    queryFn: () => gatewayGet<Schemas["MetersPublic"]>({ baseUrl: gatewayUrl, path: "/v1/me/meters", accessToken }),
    refetchInterval: 15_000,
  });
  const list = meters.data?.data ?? [];
  const selected = chosen ?? list[0]?.meter_id ?? null;
  return (
    <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
      <h1 className="text-xl font-semibold md:col-span-2">My energy</h1>
      {!publicKey ? (
        <div className="md:col-span-2">
          <EmptyState title="No wallet connected" detail="Connect the wallet that owns your meters." />
        </div>
      ) : (
        <div className="md:col-span-2">
          <SignInPanel {...gateway} />
        </div>
      )}
      {!publicKey || !accessToken ? null : meters.isError ? (
        <p role="alert" className="text-sm text-red-600 md:col-span-2">Could not load your meters: {errorText(meters.error)}</p>
      ) : (
        <>
          <div className="md:col-span-2">
            <MetersCard meters={list} selected={selected} select={setChosen} />
            {meters.data && !meters.data.chain_checked ? (
              <p className="mt-1 text-xs text-amber-700">The chain did not answer: meters from the platform&apos;s records only.</p>
            ) : null}
          </div>
          {selected ? (
            <>
              <ProductionCard meterId={selected} accessToken={accessToken} />
              <MintsCard meterId={selected} accessToken={accessToken} />
            </>
          ) : null}
        </>
      )}
      {publicKey && accessToken ? (
        <>
          <div className="md:col-span-2">
            <MeterRequestCard accessToken={accessToken} />
          </div>
          <div className="md:col-span-2">
            <StatementCard accessToken={accessToken} />
          </div>
        </>
      ) : null}
    </div>
  );
}
