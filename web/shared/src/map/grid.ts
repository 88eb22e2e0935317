/**
 * The grid map's data (pure): the gateway's topology GeoJSON (`GET /v1/grid/topology`), the
 * per-zone live balance of the public `grid` channel (or `GET /v1/grid/zones/live`, the same
 * view) and the signed-in user's meters (`GET /v1/me/meters`) become one GeoJSON
 * FeatureCollection for the map's `grid` source, with nothing added that the gateway did not say.
 *
 * - Zones, feeders and substations are points in the topology; the map draws a feeder as lines
 *   substation → feeder → each of its zones (the topology names each one's parent).
 * - A zone's balance is its `net_export_wh` over the newest complete 15-minute interval;
 *   `null` (fewer than `min_zone_meters` meters reported) is shown as withheld, a zone missing
 *   from the live view as "no data".
 * - My meters: the topology places a meter (its exact position) only for its owner or an
 *   operator, and only meters of the simulated fleet; a meter registered through the gateway has
 *   no position, so it is drawn at its zone's point and marked `placed: "zone"`. Its colour is
 *   its registers' net (export − import Wh of its newest reading).
 * - Flows: the gateway's inter-zone trades (sellers' zone → buyers' zone, GXT base units) as
 *   lines between the two zones' points.
 *
 * Energy values stay bigint; the map's paint expressions get a number only for the colour ramp.
 */
import { optionalBigintField, bigintField } from "../market/json";
import type { Fold } from "../market/channels";

export type LngLat = readonly [longitude: number, latitude: number];

export interface Substation {
  readonly id: number;
  readonly at: LngLat;
}

export interface Feeder {
  readonly id: number;
  readonly substation: number;
  readonly at: LngLat;
}

export interface Zone {
  readonly id: number;
  readonly feeder: number;
  readonly at: LngLat;
  /** Meters registered in the zone (all of them, not only those that reported). */
  readonly meterCount: number;
}

export interface PlacedMeter {
  readonly meterId: string;
  readonly kind: number;
  readonly zone: number;
  readonly at: LngLat;
}

export interface Topology {
  readonly substations: readonly Substation[];
  readonly feeders: readonly Feeder[];
  readonly zones: readonly Zone[];
  /** Meters with an exact position (the caller's own, or every placed one for an operator). */
  readonly meters: readonly PlacedMeter[];
}

function lngLat(geometry: unknown): LngLat {
  const coordinates = (geometry as { type?: unknown; coordinates?: unknown } | null)?.coordinates;
  if (!Array.isArray(coordinates) || coordinates.length < 2 || !coordinates.slice(0, 2).every((value) => typeof value === "number" && Number.isFinite(value))) {
    throw new TypeError("a topology feature is not a point");
  }
  return [coordinates[0] as number, coordinates[1] as number];
}

function integer(properties: Record<string, unknown>, name: string): number {
  const value = properties[name];
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`topology property ${name} is not an integer`);
  return value;
}

/** The topology answer (parsed JSON, plain numbers) → its parts; unknown kinds are ignored. */
export function parseTopology(collection: unknown): Topology {
  const features = (collection as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) throw new TypeError("the topology is not a FeatureCollection");
  const substations: Substation[] = [];
  const feeders: Feeder[] = [];
  const zones: Zone[] = [];
  const meters: PlacedMeter[] = [];
  for (const feature of features as { geometry?: unknown; properties?: Record<string, unknown> }[]) {
    const properties = feature.properties ?? {};
    switch (properties.kind) {
      case "substation":
        substations.push({ id: integer(properties, "substation"), at: lngLat(feature.geometry) });
        break;
      case "feeder":
        feeders.push({ id: integer(properties, "feeder"), substation: integer(properties, "substation"), at: lngLat(feature.geometry) });
        break;
      case "zone":
        zones.push({
          id: integer(properties, "zone"),
          feeder: integer(properties, "feeder"),
          meterCount: integer(properties, "meter_count"),
          at: lngLat(feature.geometry),
        });
        break;
      case "meter":
        meters.push({
          meterId: String(properties.meter_id),
          kind: integer(properties, "meter_kind"),
          zone: integer(properties, "zone"),
          at: lngLat(feature.geometry),
        });
        break;
      default:
        break;
    }
  }
  return { substations, feeders, zones, meters };
}

export interface ZoneLive {
  readonly zoneId: number;
  /** Meters that reported in the interval. */
  readonly meterCount: bigint;
  /** Wh; null when withheld (too few meters reported). */
  readonly productionWh: bigint | null;
  readonly consumptionWh: bigint | null;
  readonly netExportWh: bigint | null;
}

export interface ZoneTrades {
  readonly fromZone: number;
  readonly toZone: number;
  readonly tradeCount: bigint;
  /** GXT base units (1,000 per Wh). */
  readonly quantity: bigint;
}

export interface GridLive {
  /** Start of the interval (unix ms); null: no complete interval in the last day. */
  readonly intervalStartMs: bigint | null;
  readonly intervalS: bigint;
  readonly minZoneMeters: bigint;
  readonly zones: readonly ZoneLive[];
  readonly interZoneTrades: readonly ZoneTrades[];
}

function list(data: unknown, name: string): unknown[] {
  const value = (data as Record<string, unknown> | null)?.[name];
  if (!Array.isArray(value)) throw new TypeError(`field ${name} is not a list`);
  return value;
}

function zoneLive(item: unknown): ZoneLive {
  return {
    zoneId: Number(bigintField(item, "zone_id")),
    meterCount: bigintField(item, "meter_count"),
    productionWh: optionalBigintField(item, "production_wh"),
    consumptionWh: optionalBigintField(item, "consumption_wh"),
    netExportWh: optionalBigintField(item, "net_export_wh"),
  };
}

function zoneTrades(item: unknown): ZoneTrades {
  return {
    fromZone: Number(bigintField(item, "from_zone")),
    toZone: Number(bigintField(item, "to_zone")),
    tradeCount: bigintField(item, "trade_count"),
    quantity: bigintField(item, "quantity"),
  };
}

/** The `grid` channel's document (integers as bigint): snapshot and update carry all of it. */
export function gridFromChannel(data: unknown): GridLive {
  return {
    intervalStartMs: optionalBigintField(data, "interval_start_ms"),
    intervalS: bigintField(data, "interval_s"),
    minZoneMeters: bigintField(data, "min_zone_meters"),
    zones: list(data, "zones").map(zoneLive),
    interZoneTrades: list(data, "inter_zone_trades").map(zoneTrades),
  };
}

/** `GET /v1/grid/zones/live` (integers as bigint) in the channel's shape. */
export function gridFromRest(data: unknown): GridLive {
  const start = (data as { interval_start?: unknown } | null)?.interval_start;
  return {
    intervalStartMs: typeof start === "string" ? BigInt(Date.parse(start)) : null,
    intervalS: bigintField(data, "interval_s"),
    minZoneMeters: bigintField(data, "min_zone_meters"),
    zones: list(data, "data").map(zoneLive),
    interZoneTrades: list(data, "inter_zone_trades").map(zoneTrades),
  };
}

export const GRID_CHANNEL = "grid";

export const gridFold: Fold<GridLive> = {
  load: gridFromChannel,
  apply: (_previous, data) => gridFromChannel(data),
};

/** One of my meters as `/v1/me/meters` lists it (integers as bigint). */
export interface MyMeter {
  readonly meter_id: string;
  readonly zone_id: bigint;
  readonly kind: bigint;
  readonly status: string;
  readonly latest_reading: { readonly export_wh: bigint; readonly import_wh: bigint; readonly timestamp_ms: bigint } | null;
}

export type Balance = "export" | "import" | "balanced" | "withheld" | "no-data";

export function balanceOf(netWh: bigint | null | undefined): Balance {
  if (netWh === undefined) return "no-data";
  if (netWh === null) return "withheld";
  return netWh > 0n ? "export" : netWh < 0n ? "import" : "balanced";
}

/** -1..1: the net over the largest magnitude among `all` (0 when all are 0). */
export function intensity(net: bigint, all: readonly bigint[]): number {
  const largest = all.reduce((most, value) => {
    const magnitude = value < 0n ? -value : value;
    return magnitude > most ? magnitude : most;
  }, 0n);
  if (largest === 0n) return 0;
  // Thousandths, exact in bigint, then a small number for the paint expression.
  return Number((net * 1000n) / largest) / 1000;
}

export type FeatureKind = "substation" | "feeder" | "feeder-line" | "zone" | "meter" | "flow";

export interface GridFeature {
  readonly type: "Feature";
  readonly id: string;
  readonly geometry: { readonly type: "Point"; readonly coordinates: LngLat } | { readonly type: "LineString"; readonly coordinates: readonly LngLat[] };
  readonly properties: Readonly<Record<string, string | number | boolean | null>> & { readonly kind: FeatureKind };
}

export interface GridCollection {
  readonly type: "FeatureCollection";
  readonly features: readonly GridFeature[];
}

/** What the map shows, also listed beside it (keyboard and screen readers). */
export interface GridView {
  readonly collection: GridCollection;
  readonly zones: readonly ZoneView[];
  readonly meters: readonly MeterView[];
  readonly flows: readonly FlowView[];
}

export interface ZoneView {
  readonly zone: Zone;
  readonly live: ZoneLive | null;
  readonly balance: Balance;
}

export interface MeterView {
  readonly meterId: string;
  readonly zone: number;
  readonly at: LngLat;
  readonly mine: boolean;
  /** "exact": the topology's position; "zone": its zone's point (no position is known). */
  readonly placed: "exact" | "zone";
  /** Export − import Wh of its newest reading; null when unknown (no reading, or not mine). */
  readonly netWh: bigint | null;
  readonly balance: Balance;
}

export interface FlowView {
  readonly trades: ZoneTrades;
  readonly from: LngLat;
  readonly to: LngLat;
}

/** A small deterministic offset (about 30 m per step) so meters drawn at one zone point do not
 * hide each other. */
function spread(at: LngLat, index: number): LngLat {
  if (index === 0) return at;
  const angle = index * 2.399963; // the golden angle
  const radius = 0.0003 * Math.sqrt(index);
  return [at[0] + radius * Math.cos(angle), at[1] + radius * Math.sin(angle)];
}

const point = (at: LngLat) => ({ type: "Point" as const, coordinates: at });

export function gridView(topology: Topology, live: GridLive | null, myMeters: readonly MyMeter[]): GridView {
  const features: GridFeature[] = [];
  const substations = new Map(topology.substations.map((item) => [item.id, item]));
  const feeders = new Map(topology.feeders.map((item) => [item.id, item]));
  const zonesById = new Map(topology.zones.map((item) => [item.id, item]));

  for (const feeder of topology.feeders) {
    const substation = substations.get(feeder.substation);
    if (substation) {
      features.push({
        type: "Feature",
        id: `feeder-line-${feeder.id}`,
        geometry: { type: "LineString", coordinates: [substation.at, feeder.at] },
        properties: { kind: "feeder-line", feeder: feeder.id, substation: feeder.substation },
      });
    }
  }
  for (const zone of topology.zones) {
    const feeder = feeders.get(zone.feeder);
    if (feeder) {
      features.push({
        type: "Feature",
        id: `zone-line-${zone.id}`,
        geometry: { type: "LineString", coordinates: [feeder.at, zone.at] },
        properties: { kind: "feeder-line", feeder: feeder.id, zone: zone.id },
      });
    }
  }

  const liveByZone = new Map((live?.zones ?? []).map((item) => [item.zoneId, item]));
  const nets = [...liveByZone.values()].map((item) => item.netExportWh).filter((net): net is bigint => net !== null);
  const zones: ZoneView[] = topology.zones.map((zone) => {
    const zoneLiveView = liveByZone.get(zone.id) ?? null;
    const balance = balanceOf(zoneLiveView === null ? undefined : zoneLiveView.netExportWh);
    features.push({
      type: "Feature",
      id: `zone-${zone.id}`,
      geometry: point(zone.at),
      properties: {
        kind: "zone",
        zone: zone.id,
        feeder: zone.feeder,
        meter_count: zone.meterCount,
        balance,
        intensity: zoneLiveView?.netExportWh != null ? intensity(zoneLiveView.netExportWh, nets) : 0,
        net_export_wh: zoneLiveView?.netExportWh?.toString() ?? null,
      },
    });
    return { zone, live: zoneLiveView, balance };
  });
  for (const feeder of topology.feeders) {
    features.push({ type: "Feature", id: `feeder-${feeder.id}`, geometry: point(feeder.at), properties: { kind: "feeder", feeder: feeder.id, substation: feeder.substation } });
  }
  for (const substation of topology.substations) {
    features.push({ type: "Feature", id: `substation-${substation.id}`, geometry: point(substation.at), properties: { kind: "substation", substation: substation.id } });
  }

  const mine = new Map(myMeters.map((meter) => [meter.meter_id, meter]));
  const placed = new Map(topology.meters.map((meter) => [meter.meterId, meter]));
  const atZone = new Map<number, number>();
  const meters: MeterView[] = [];
  const add = (meterId: string, zone: number, at: LngLat, exact: boolean) => {
    const own = mine.get(meterId);
    const reading = own?.latest_reading ?? null;
    const netWh = reading ? reading.export_wh - reading.import_wh : null;
    const balance: Balance = own === undefined ? "no-data" : balanceOf(netWh ?? undefined);
    meters.push({ meterId, zone, at, mine: own !== undefined, placed: exact ? "exact" : "zone", netWh, balance });
  };
  for (const meter of topology.meters) add(meter.meterId, meter.zone, meter.at, true);
  for (const meter of myMeters) {
    if (placed.has(meter.meter_id)) continue;
    const zone = zonesById.get(Number(meter.zone_id));
    if (!zone) continue; // a zone the grid does not have: nowhere to draw it
    const index = (atZone.get(zone.id) ?? 0) + 1;
    atZone.set(zone.id, index);
    add(meter.meter_id, zone.id, spread(zone.at, index), false);
  }
  for (const meter of meters) {
    features.push({
      type: "Feature",
      id: `meter-${meter.meterId}`,
      geometry: point(meter.at),
      properties: {
        kind: "meter",
        meter_id: meter.meterId,
        zone: meter.zone,
        mine: meter.mine,
        placed: meter.placed,
        balance: meter.balance,
        net_wh: meter.netWh?.toString() ?? null,
      },
    });
  }

  const flows: FlowView[] = [];
  for (const trades of live?.interZoneTrades ?? []) {
    const from = zonesById.get(trades.fromZone);
    const to = zonesById.get(trades.toZone);
    if (!from || !to) continue;
    flows.push({ trades, from: from.at, to: to.at });
    features.push({
      type: "Feature",
      id: `flow-${trades.fromZone}-${trades.toZone}`,
      geometry: { type: "LineString", coordinates: [from.at, to.at] },
      properties: {
        kind: "flow",
        from_zone: trades.fromZone,
        to_zone: trades.toZone,
        trade_count: trades.tradeCount.toString(),
        quantity: trades.quantity.toString(),
      },
    });
  }
  // `fid`: the map's feature id (promoted for feature state: the selection).
  const withIds = features.map((feature) => ({ ...feature, properties: { ...feature.properties, fid: feature.id } }));
  return { collection: { type: "FeatureCollection", features: withIds }, zones, meters, flows };
}

/** The centre and a zoom that fit every point of the topology (null when it has none). */
export function bounds(topology: Topology): { readonly southWest: LngLat; readonly northEast: LngLat } | null {
  const points = [...topology.substations, ...topology.feeders, ...topology.zones, ...topology.meters].map((item) => item.at);
  if (points.length === 0) return null;
  const longitudes = points.map((at) => at[0]);
  const latitudes = points.map((at) => at[1]);
  return {
    southWest: [Math.min(...longitudes), Math.min(...latitudes)],
    northEast: [Math.max(...longitudes), Math.max(...latitudes)],
  };
}
