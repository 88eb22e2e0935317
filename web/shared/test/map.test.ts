import { describe, expect, it } from "vitest";

import { parseJsonWithBigints } from "../src/market/json";
import { balanceOf, bounds, gridFold, gridFromRest, gridView, intensity, parseTopology, type MyMeter } from "../src/map/grid";
import { orderHref, readPrefill, zonePrefill } from "../src/map/orderPrefill";

// The shapes the gateway answers (gateway/grid_view.py, feed/grid_channel.py).
const TOPOLOGY = {
  type: "FeatureCollection",
  features: [
    { type: "Feature", id: "substation-0", geometry: { type: "Point", coordinates: [100.5, 13.75] }, properties: { kind: "substation", substation: 0 } },
    { type: "Feature", id: "feeder-0", geometry: { type: "Point", coordinates: [100.51, 13.76] }, properties: { kind: "feeder", feeder: 0, substation: 0 } },
    { type: "Feature", id: "zone-0", geometry: { type: "Point", coordinates: [100.52, 13.77] }, properties: { kind: "zone", zone: 0, feeder: 0, meter_count: 4 } },
    { type: "Feature", id: "zone-1", geometry: { type: "Point", coordinates: [100.53, 13.78] }, properties: { kind: "zone", zone: 1, feeder: 0, meter_count: 1 } },
    { type: "Feature", id: "zone-2", geometry: { type: "Point", coordinates: [100.54, 13.74] }, properties: { kind: "zone", zone: 2, feeder: 0, meter_count: 0 } },
    {
      type: "Feature",
      id: "meter-aaaa",
      geometry: { type: "Point", coordinates: [100.521, 13.771] },
      properties: { kind: "meter", meter_id: "aaaa", meter_kind: 1, zone: 0 },
    },
  ],
};

const CHANNEL = parseJsonWithBigints(
  JSON.stringify({
    interval_start_ms: 1_700_000_100_000,
    interval_s: 900,
    min_zone_meters: 3,
    zones: [
      { zone_id: 0, meter_count: 4, production_wh: 900, consumption_wh: 400, net_export_wh: 500 },
      { zone_id: 1, meter_count: 1, production_wh: null, consumption_wh: null, net_export_wh: null },
    ],
    inter_zone_trades: [{ from_zone: 0, to_zone: 2, trade_count: 3, quantity: 2_500_000 }],
  }),
);

const MINE: MyMeter[] = [
  { meter_id: "aaaa", zone_id: 0n, kind: 1n, status: "active", latest_reading: { export_wh: 10n, import_wh: 4n, timestamp_ms: 1n } },
  { meter_id: "bbbb", zone_id: 1n, kind: 1n, status: "active", latest_reading: { export_wh: 1n, import_wh: 5n, timestamp_ms: 1n } },
  { meter_id: "cccc", zone_id: 1n, kind: 2n, status: "active", latest_reading: null },
  { meter_id: "dddd", zone_id: 99n, kind: 2n, status: "active", latest_reading: null },
];

describe("parseTopology", () => {
  it("reads each kind and its parent", () => {
    const topology = parseTopology(TOPOLOGY);
    expect(topology.substations).toEqual([{ id: 0, at: [100.5, 13.75] }]);
    expect(topology.feeders).toEqual([{ id: 0, substation: 0, at: [100.51, 13.76] }]);
    expect(topology.zones.map((zone) => [zone.id, zone.meterCount])).toEqual([
      [0, 4],
      [1, 1],
      [2, 0],
    ]);
    expect(topology.meters).toEqual([{ meterId: "aaaa", kind: 1, zone: 0, at: [100.521, 13.771] }]);
  });

  it("refuses what is not the topology", () => {
    expect(() => parseTopology({})).toThrow(TypeError);
    expect(() => parseTopology({ features: [{ geometry: { type: "Point", coordinates: ["x", 1] }, properties: { kind: "substation", substation: 0 } }] })).toThrow(
      /not a point/,
    );
    expect(() => parseTopology({ features: [{ geometry: { type: "Point", coordinates: [1, 1] }, properties: { kind: "zone", zone: 1.5 } }] })).toThrow(/zone/);
  });

  it("bounds every point", () => {
    expect(bounds(parseTopology(TOPOLOGY))).toEqual({ southWest: [100.5, 13.74], northEast: [100.54, 13.78] });
    expect(bounds(parseTopology({ features: [] }))).toBeNull();
  });
});

describe("the grid's live view", () => {
  it("folds the channel's snapshot and replaces it with each update", () => {
    const loaded = gridFold.load(CHANNEL);
    expect(loaded.intervalStartMs).toBe(1_700_000_100_000n);
    expect(loaded.zones[1]).toEqual({ zoneId: 1, meterCount: 1n, productionWh: null, consumptionWh: null, netExportWh: null });
    expect(loaded.interZoneTrades).toEqual([{ fromZone: 0, toZone: 2, tradeCount: 3n, quantity: 2_500_000n }]);
    const next = gridFold.apply(loaded, parseJsonWithBigints(JSON.stringify({ interval_start_ms: null, interval_s: 900, min_zone_meters: 3, zones: [], inter_zone_trades: [] })));
    expect(next.zones).toEqual([]);
    expect(next.intervalStartMs).toBeNull();
  });

  it("reads the REST route in the same shape", () => {
    const rest = gridFromRest(
      parseJsonWithBigints(
        JSON.stringify({
          interval_start: "2026-11-23T22:00:00Z",
          interval_s: 900,
          min_zone_meters: 3,
          data: [{ zone_id: 0, meter_count: 4, production_wh: 900, consumption_wh: 400, net_export_wh: 500 }],
          inter_zone_trades: [],
        }),
      ),
    );
    expect(rest.intervalStartMs).toBe(BigInt(Date.parse("2026-11-23T22:00:00Z")));
    expect(rest.zones[0]?.netExportWh).toBe(500n);
  });

  it("refuses a document without its lists", () => {
    expect(() => gridFold.load(parseJsonWithBigints('{"interval_s": 900, "min_zone_meters": 3}'))).toThrow(/zones/);
  });
});

describe("balance and intensity", () => {
  it("names the balance, withheld and missing apart", () => {
    expect([balanceOf(1n), balanceOf(-1n), balanceOf(0n), balanceOf(null), balanceOf(undefined)]).toEqual(["export", "import", "balanced", "withheld", "no-data"]);
  });

  it("scales by the largest magnitude", () => {
    expect(intensity(500n, [500n, -1000n])).toBe(0.5);
    expect(intensity(-1000n, [500n, -1000n])).toBe(-1);
    expect(intensity(0n, [0n])).toBe(0);
  });
});

describe("gridView", () => {
  const view = gridView(parseTopology(TOPOLOGY), gridFold.load(CHANNEL), MINE);

  it("shades zones by their live balance, withheld and missing ones apart", () => {
    expect(view.zones.map((zone) => [zone.zone.id, zone.balance])).toEqual([
      [0, "export"],
      [1, "withheld"],
      [2, "no-data"],
    ]);
    const zone0 = view.collection.features.find((feature) => feature.id === "zone-0");
    expect(zone0?.properties).toMatchObject({ kind: "zone", balance: "export", intensity: 1, net_export_wh: "500" });
  });

  it("draws feeders as lines substation → feeder → zone", () => {
    const lines = view.collection.features.filter((feature) => feature.properties.kind === "feeder-line");
    expect(lines.map((line) => line.geometry.coordinates)).toEqual([
      [
        [100.5, 13.75],
        [100.51, 13.76],
      ],
      [
        [100.51, 13.76],
        [100.52, 13.77],
      ],
      [
        [100.51, 13.76],
        [100.53, 13.78],
      ],
      [
        [100.51, 13.76],
        [100.54, 13.74],
      ],
    ]);
  });

  it("places my meters exactly when the topology does, else at their zone, coloured by their net", () => {
    expect(view.meters.map(({ meterId, zone, placed, netWh, balance, mine }) => ({ meterId, zone, placed, netWh, balance, mine }))).toEqual([
      { meterId: "aaaa", zone: 0, placed: "exact", netWh: 6n, balance: "export", mine: true },
      { meterId: "bbbb", zone: 1, placed: "zone", netWh: -4n, balance: "import", mine: true },
      { meterId: "cccc", zone: 1, placed: "zone", netWh: null, balance: "no-data", mine: true },
    ]);
    const [, second, third] = view.meters;
    // Two meters at one zone point do not sit on each other, and stay near it (< 100 m).
    expect(second?.at).not.toEqual(third?.at);
    for (const meter of [second, third]) {
      expect(Math.abs((meter?.at[0] ?? 0) - 100.53)).toBeLessThan(0.001);
      expect(Math.abs((meter?.at[1] ?? 0) - 13.78)).toBeLessThan(0.001);
    }
  });

  it("shows an operator's meters that are not theirs without a balance", () => {
    const operator = gridView(parseTopology(TOPOLOGY), null, []);
    expect(operator.meters).toEqual([{ meterId: "aaaa", zone: 0, at: [100.521, 13.771], mine: false, placed: "exact", netWh: null, balance: "no-data" }]);
    expect(operator.zones.every((zone) => zone.balance === "no-data")).toBe(true);
    expect(operator.flows).toEqual([]);
  });

  it("draws the gateway's inter-zone trades from the sellers' zone to the buyers'", () => {
    expect(view.flows).toEqual([{ trades: { fromZone: 0, toZone: 2, tradeCount: 3n, quantity: 2_500_000n }, from: [100.52, 13.77], to: [100.54, 13.74] }]);
    const flow = view.collection.features.find((feature) => feature.properties.kind === "flow");
    expect(flow?.properties).toMatchObject({ from_zone: 0, to_zone: 2, quantity: "2500000", trade_count: "3" });
  });
});

describe("the zone's order pre-fill", () => {
  it("buys a zone's surplus and sells into its deficit", () => {
    expect(zonePrefill(3, 1_500n)).toEqual({ zone: 3, side: "buy", quantityKwh: "1.5" });
    expect(zonePrefill(4, -250n)).toEqual({ zone: 4, side: "sell", quantityKwh: "0.25" });
    expect(zonePrefill(5, null)).toEqual({ zone: 5, side: null, quantityKwh: null });
    expect(zonePrefill(5, 0n)).toEqual({ zone: 5, side: null, quantityKwh: null });
  });

  it("round-trips through the link's query", () => {
    const href = orderHref(zonePrefill(3, 1_500n));
    expect(href).toBe("/?zone=3&side=buy&quantity=1.5#order-form");
    expect(readPrefill(new URL(href, "http://x").search)).toEqual({ zone: 3, side: "buy", quantityKwh: "1.5" });
    expect(orderHref(zonePrefill(5, null))).toBe("/?zone=5#order-form");
  });

  it("drops what does not parse", () => {
    expect(readPrefill("")).toBeNull();
    expect(readPrefill("?zone=-1")).toBeNull();
    expect(readPrefill("?zone=2&side=short&quantity=1e3")).toEqual({ zone: 2, side: null, quantityKwh: null });
    expect(readPrefill("?zone=2&quantity=0")).toEqual({ zone: 2, side: null, quantityKwh: null });
  });
});
