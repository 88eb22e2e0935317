"use client";
import { GatewayError, gatewayGet, type Schemas } from "@gridtokenx/shared/api/gateway";
import { ALL_LAYERS_VISIBLE, type LayerVisibility } from "@gridtokenx/shared/components/Map/GridMap";
import { useGatewaySession } from "@gridtokenx/shared/components/Session/GatewaySessionContext";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { EmptyState } from "@gridtokenx/shared/components/ui/EmptyState";
import { formatGxt, formatWh } from "@gridtokenx/shared/format/units";
import { MarketFeedProvider, useChannel } from "@gridtokenx/shared/hooks/useMarketFeed";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import {
  GRID_CHANNEL,
  bounds as topologyBounds,
  gridFold,
  gridFromRest,
  gridView,
  parseTopology,
  type Balance,
  type GridView,
  type MyMeter,
  type Topology,
} from "@gridtokenx/shared/map/grid";
import { COLOURS, GRID_LAYERS } from "@gridtokenx/shared/map/layers";
import { orderHref, zonePrefill } from "@gridtokenx/shared/map/orderPrefill";
import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo, useState } from "react";

import { errorText } from "../errorText";
import { SignInPanel } from "./SignInPanel";

// WebGL and the worker exist only in the browser.
const GridMap = dynamic(() => import("@gridtokenx/shared/components/Map/GridMap").then((module) => module.GridMap), {
  ssr: false,
  loading: () => <div className="h-[24rem] w-full animate-pulse rounded-lg bg-slate-100 sm:h-[32rem] dark:bg-slate-800" />,
});

/** The simulated fleet's default site (simulator settings): Bangkok, until the topology fits. */
const CENTER = [100.5018, 13.7563] as const;

const BALANCE_TEXT: Readonly<Record<Balance, string>> = {
  export: "fed the grid",
  import: "drew from the grid",
  balanced: "balanced",
  withheld: "withheld (too few meters reported)",
  "no-data": "no data",
};

const BALANCE_COLOUR: Readonly<Record<Balance, string>> = {
  export: COLOURS.export,
  import: COLOURS.import,
  balanced: COLOURS.balanced,
  withheld: COLOURS.withheld,
  "no-data": COLOURS.noData,
};

/** The topology is GeoJSON with fractional coordinates: plain JSON numbers, not bigints. */
async function fetchTopology(gatewayUrl: string, accessToken: string | null): Promise<Topology> {
  let response: Response;
  try {
    response = await fetch(`${gatewayUrl}/v1/grid/topology`, {
      credentials: "include",
      headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
    });
  } catch (error) {
    throw new GatewayError(0, "gateway_unreachable", `The gateway at ${gatewayUrl} did not answer (${(error as Error).message}).`, {});
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body ?? {}) as { code?: string; message?: string };
    throw new GatewayError(response.status, error.code ?? `http_${String(response.status)}`, error.message ?? `The gateway answered ${String(response.status)}.`, {});
  }
  return parseTopology(body);
}

function Swatch({ colour, line = false }: { readonly colour: string; readonly line?: boolean }) {
  return <span aria-hidden className={line ? "inline-block h-1 w-5 align-middle" : "inline-block h-3 w-3 rounded-full align-middle"} style={{ backgroundColor: colour }} />;
}

function Legend() {
  return (
    <ul className="grid gap-1 text-xs" data-testid="map-legend">
      <li>
        <Swatch colour={COLOURS.export} /> Zone or meter that fed the grid (net export)
      </li>
      <li>
        <Swatch colour={COLOURS.import} /> Zone or meter that drew from the grid (net import)
      </li>
      <li>
        <Swatch colour={COLOURS.withheld} /> Zone withheld: too few meters reported for it to be shown
      </li>
      <li>
        <Swatch colour={COLOURS.noData} /> No data (no complete interval, or not your meter)
      </li>
      <li>
        <Swatch colour={COLOURS.substation} /> Substation · <Swatch colour={COLOURS.feeder} line /> feeder
      </li>
      <li>
        <Swatch colour={COLOURS.flow} line /> Energy traded between zones (sellers&apos; zone → buyers&apos;), animated
      </li>
    </ul>
  );
}

function Details({ view, fid }: { readonly view: GridView; readonly fid: string | null }) {
  if (!fid) return <p className="text-sm text-slate-500">Click a feature on the map, or choose one in the lists below.</p>;
  const zone = view.zones.find((item) => `zone-${item.zone.id}` === fid);
  if (zone) {
    const prefill = zonePrefill(zone.zone.id, zone.live?.netExportWh ?? null);
    return (
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm" data-testid="map-details" data-kind="zone" data-zone={zone.zone.id}>
        <dt>Zone</dt>
        <dd>{zone.zone.id}</dd>
        <dt>Feeder</dt>
        <dd>{zone.zone.feeder}</dd>
        <dt>Meters</dt>
        <dd>{zone.zone.meterCount}</dd>
        <dt>Balance</dt>
        <dd>{BALANCE_TEXT[zone.balance]}</dd>
        {zone.live?.productionWh != null && zone.live.consumptionWh != null && zone.live.netExportWh != null ? (
          <>
            <dt>Produced</dt>
            <dd className="font-mono">{formatWh(zone.live.productionWh)}</dd>
            <dt>Consumed</dt>
            <dd className="font-mono">{formatWh(zone.live.consumptionWh)}</dd>
            <dt>Net</dt>
            <dd className="font-mono">{formatWh(zone.live.netExportWh)}</dd>
          </>
        ) : null}
        <dt>Order</dt>
        <dd>
          <Link href={orderHref(prefill)} className="text-sky-700 underline dark:text-sky-400" data-testid="map-zone-order">
            {prefill.side ? `${prefill.side === "buy" ? "Buy" : "Sell"} ${prefill.quantityKwh ?? ""} kWh (zone ${zone.zone.id})` : `Trade (zone ${zone.zone.id})`}
          </Link>
        </dd>
      </dl>
    );
  }
  const meter = view.meters.find((item) => `meter-${item.meterId}` === fid);
  if (meter) {
    return (
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm" data-testid="map-details" data-kind="meter">
        <dt>Meter</dt>
        <dd className="font-mono text-xs">{meter.meterId}</dd>
        <dt>Zone</dt>
        <dd>{meter.zone}</dd>
        <dt>Position</dt>
        <dd>{meter.placed === "exact" ? "exact" : "its zone's (no exact position is recorded)"}</dd>
        <dt>Net of its registers</dt>
        <dd className="font-mono">{meter.netWh === null ? (meter.mine ? "no reading yet" : "not shown (not your meter)") : formatWh(meter.netWh)}</dd>
      </dl>
    );
  }
  const flow = view.flows.find((item) => `flow-${item.trades.fromZone}-${item.trades.toZone}` === fid);
  if (flow) {
    return (
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm" data-testid="map-details" data-kind="flow">
        <dt>From zone</dt>
        <dd>{flow.trades.fromZone}</dd>
        <dt>To zone</dt>
        <dd>{flow.trades.toZone}</dd>
        <dt>Trades</dt>
        <dd>{flow.trades.tradeCount.toString()}</dd>
        <dt>Energy</dt>
        <dd className="font-mono">{formatGxt(flow.trades.quantity)}</dd>
      </dl>
    );
  }
  const [kind, id] = fid.split(/-(\d+)$/);
  return (
    <p className="text-sm" data-testid="map-details" data-kind={kind}>
      {kind === "substation" ? "Substation" : kind === "feeder" ? "Feeder" : "Feature"} {id}
    </p>
  );
}

function Lists({ view, select }: { readonly view: GridView; readonly select: (fid: string) => void }) {
  const button = "text-left text-sky-700 underline dark:text-sky-400";
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Card title="Zones" testId="map-zones">
        <ul className="grid gap-1 text-sm">
          {view.zones.map((item) => (
            <li key={item.zone.id} data-testid="map-zone" data-zone={item.zone.id} data-balance={item.balance} data-net-wh={item.live?.netExportWh?.toString() ?? ""} data-meters={item.zone.meterCount}>
              <Swatch colour={BALANCE_COLOUR[item.balance]} />{" "}
              <button type="button" className={button} onClick={() => select(`zone-${item.zone.id}`)}>
                Zone {item.zone.id}
              </button>{" "}
              {BALANCE_TEXT[item.balance]}
              {item.live?.netExportWh != null ? ` (${formatWh(item.live.netExportWh)})` : ""}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Meters" testId="map-meters">
        {view.meters.length === 0 ? (
          <EmptyState title="No meters shown" detail="Signed in, your own meters appear here; operators see every placed meter." />
        ) : (
          <ul className="grid gap-1 text-sm">
            {view.meters.map((meter) => (
              <li key={meter.meterId} data-testid="map-meter" data-meter-id={meter.meterId} data-zone={meter.zone} data-mine={String(meter.mine)} data-placed={meter.placed} data-balance={meter.balance} data-net-wh={meter.netWh?.toString() ?? ""}>
                <Swatch colour={BALANCE_COLOUR[meter.balance]} />{" "}
                <button type="button" className={`${button} font-mono text-xs`} onClick={() => select(`meter-${meter.meterId}`)}>
                  {meter.meterId.slice(0, 8)}
                </button>{" "}
                zone {meter.zone}
                {meter.netWh !== null ? `, net ${formatWh(meter.netWh)}` : ""}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Trades between zones" testId="map-flows">
        {view.flows.length === 0 ? (
          <EmptyState
            title="No trades between zones shown"
            detail="The gateway shows the newest complete 15-minute interval's trades between zones, for a pair of zones only when enough wallets traded across it."
          />
        ) : (
          <ul className="grid gap-1 text-sm">
            {view.flows.map((flow) => (
              <li key={`${flow.trades.fromZone}-${flow.trades.toZone}`} data-testid="map-flow" data-from={flow.trades.fromZone} data-to={flow.trades.toZone} data-quantity={flow.trades.quantity.toString()}>
                <button type="button" className={button} onClick={() => select(`flow-${flow.trades.fromZone}-${flow.trades.toZone}`)}>
                  Zone {flow.trades.fromZone} → zone {flow.trades.toZone}
                </button>{" "}
                {formatGxt(flow.trades.quantity)} in {flow.trades.tradeCount.toString()} trades
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function GridMapPanel() {
  const { gatewayUrl } = useRuntimeConfig();
  const gateway = useGatewaySession();
  const accessToken = gateway.session?.accessToken ?? null;
  const topology = useQuery({
    queryKey: ["grid-topology", gatewayUrl, accessToken],
    queryFn: () => fetchTopology(gatewayUrl, accessToken),
    refetchInterval: 60_000,
  });
  const channel = useChannel(GRID_CHANNEL, gridFold);
  // Until the channel has a document (or while it is stale), the same view over HTTP.
  const rest = useQuery({
    queryKey: ["grid-zones-live", gatewayUrl],
    queryFn: async () => gridFromRest(await gatewayGet<Schemas["ZonesLivePublic"]>({ baseUrl: gatewayUrl, path: "/v1/grid/zones/live" })),
    enabled: !channel.live,
    refetchInterval: channel.live ? false : 30_000,
  });
  const meters = useQuery({
    queryKey: ["meters", gatewayUrl, accessToken],
    enabled: accessToken !== null,
    queryFn: () => gatewayGet<Schemas["MetersPublic"]>({ baseUrl: gatewayUrl, path: "/v1/me/meters", accessToken }),
    refetchInterval: 15_000,
  });
  const live = channel.data ?? rest.data ?? null;
  const source = channel.data ? (channel.live ? "live" : "stale") : rest.data ? "http" : "none";
  const myMeters = useMemo(() => (meters.data?.data ?? []) as unknown as MyMeter[], [meters.data]);
  const view = useMemo(() => (topology.data ? gridView(topology.data, live, myMeters) : null), [topology.data, live, myMeters]);
  const fit = useMemo(() => (topology.data ? topologyBounds(topology.data) : null), [topology.data]);
  const [visible, setVisible] = useState<LayerVisibility>(ALL_LAYERS_VISIBLE);
  const [selected, setSelected] = useState<string | null>(null);
  const role = gateway.session?.role ?? null;

  return (
    <div className="grid gap-4">
      <div className="grid gap-4 lg:grid-cols-[1fr_18rem]">
        <div className="grid content-start gap-2">
          {topology.isError ? (
            <p role="alert" className="text-sm text-red-600">
              Could not load the grid: {errorText(topology.error)}
            </p>
          ) : null}
          <GridMap center={CENTER} zoom={11} collection={view?.collection ?? null} bounds={fit} visible={visible} selected={selected} onSelect={setSelected} />
          <p className="text-xs text-slate-500" data-testid="map-status" data-source={source} data-interval-start={live?.intervalStartMs?.toString() ?? ""}>
            {live?.intervalStartMs != null
              ? `Zones: the 15-minute interval from ${new Date(Number(live.intervalStartMs)).toLocaleString()}`
              : live
                ? "Zones: no complete interval in the last day"
                : "Zones: loading the live balance…"}
            {source === "live" ? " · live" : source === "stale" ? " · stale: reconnecting to the gateway" : source === "http" ? " · polled over HTTP" : ""}
            {role === "operator" ? " · operator: every placed meter" : role ? " · your meters only; others as zone totals" : " · public view: zone totals only"}
          </p>
        </div>
        <div className="grid content-start gap-4">
          <Card title="Layers" testId="map-layers">
            <fieldset className="grid gap-1 text-sm">
              <legend className="sr-only">Layers shown on the map</legend>
              {GRID_LAYERS.map((layer) => (
                <label key={layer.id} className="flex items-center gap-2">
                  <input type="checkbox" checked={visible[layer.id]} onChange={(event) => setVisible({ ...visible, [layer.id]: event.target.checked })} />
                  {layer.label}
                </label>
              ))}
            </fieldset>
          </Card>
          <Card title="Legend">
            <Legend />
          </Card>
          <Card title="Details">
            <div aria-live="polite">{view ? <Details view={view} fid={selected} /> : null}</div>
          </Card>
          <SignInPanel {...gateway} />
        </div>
      </div>
      {meters.isError ? (
        <p role="alert" className="text-sm text-red-600">
          Could not load your meters: {errorText(meters.error)}
        </p>
      ) : null}
      {view ? <Lists view={view} select={setSelected} /> : null}
    </div>
  );
}

export function MapView() {
  return (
    <div className="grid gap-4">
      <h1 className="text-xl font-semibold">Grid map</h1>
      <MarketFeedProvider>
        <GridMapPanel />
      </MarketFeedProvider>
    </div>
  );
}
