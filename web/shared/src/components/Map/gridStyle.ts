/**
 * The map style shipped with the app: no tile server, glyphs or sprites are fetched (so no text
 * or icon layers: names and numbers are in the page beside the map). Every layer reads the
 * `grid` GeoJSON source that `map/grid.ts` builds from the gateway's answers; an optional base
 * map (a raster tile URL template) goes under them when configured.
 */
import type { ExpressionSpecification, StyleSpecification } from "maplibre-gl";

import { COLOURS } from "../../map/layers";

/** Selected by a click or the list beside the map (feature state on the `fid` property). */
const selected: ExpressionSpecification = ["boolean", ["feature-state", "selected"], false];

/** Zones: green when they fed the grid, red when they drew from it, by how much (the ramp is
 * relative to the largest zone's net); grey when withheld or without data. */
/** A zone's circle: a few pixels zoomed out, about its neighbourhood's size zoomed in. */
const ZONE_RADIUS: ExpressionSpecification = ["interpolate", ["linear"], ["zoom"], 9, 5, 12, 14, 15, 45];

const zoneColour: ExpressionSpecification = [
  "match",
  ["get", "balance"],
  ["export", "import", "balanced"],
  ["interpolate", ["linear"], ["get", "intensity"], -1, COLOURS.import, 0, COLOURS.balanced, 1, COLOURS.export],
  "withheld",
  COLOURS.withheld,
  COLOURS.noData,
];

const meterColour: ExpressionSpecification = [
  "match",
  ["get", "balance"],
  "export",
  COLOURS.export,
  "import",
  COLOURS.import,
  "balanced",
  COLOURS.balanced,
  COLOURS.noData,
];

export function gridStyle(baseMapUrl: string | null = null): StyleSpecification {
  const empty = { type: "FeatureCollection" as const, features: [] };
  return {
    version: 8,
    sources: {
      grid: { type: "geojson", data: empty, promoteId: "fid" },
      ...(baseMapUrl ? { base: { type: "raster" as const, tiles: [baseMapUrl], tileSize: 256 } } : {}),
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#e8eef3" } },
      ...(baseMapUrl ? [{ id: "base", type: "raster" as const, source: "base" }] : []),
      {
        id: "zones",
        type: "circle",
        source: "grid",
        filter: ["==", ["get", "kind"], "zone"],
        paint: {
          "circle-color": zoneColour,
          "circle-opacity": 0.45,
          "circle-radius": ZONE_RADIUS,
        },
      },
      {
        id: "zones-outline",
        type: "circle",
        source: "grid",
        filter: ["==", ["get", "kind"], "zone"],
        paint: {
          "circle-opacity": 0,
          "circle-radius": ZONE_RADIUS,
          "circle-stroke-color": ["case", selected, COLOURS.selected, zoneColour],
          "circle-stroke-width": ["case", selected, 3, 1.5],
        },
      },
      {
        id: "feeder-lines",
        type: "line",
        source: "grid",
        filter: ["==", ["get", "kind"], "feeder-line"],
        paint: { "line-color": COLOURS.feeder, "line-width": 1.5, "line-opacity": 0.7 },
      },
      {
        id: "flows-casing",
        type: "line",
        source: "grid",
        filter: ["==", ["get", "kind"], "flow"],
        layout: { "line-cap": "round" },
        paint: { "line-color": "#ffffff", "line-width": 7, "line-opacity": 0.8 },
      },
      {
        id: "flows",
        type: "line",
        source: "grid",
        filter: ["==", ["get", "kind"], "flow"],
        paint: {
          "line-color": ["case", selected, COLOURS.selected, COLOURS.flow],
          "line-width": 4,
          "line-dasharray": [0, 4, 3],
        },
      },
      {
        id: "feeders",
        type: "circle",
        source: "grid",
        filter: ["==", ["get", "kind"], "feeder"],
        paint: {
          "circle-color": COLOURS.feeder,
          "circle-radius": 4,
          "circle-stroke-color": ["case", selected, COLOURS.selected, "#ffffff"],
          "circle-stroke-width": ["case", selected, 3, 1],
        },
      },
      {
        id: "substations",
        type: "circle",
        source: "grid",
        filter: ["==", ["get", "kind"], "substation"],
        paint: {
          "circle-color": COLOURS.substation,
          "circle-radius": 8,
          "circle-stroke-color": ["case", selected, COLOURS.selected, "#ffffff"],
          "circle-stroke-width": ["case", selected, 3, 2],
        },
      },
      {
        id: "meters",
        type: "circle",
        source: "grid",
        filter: ["==", ["get", "kind"], "meter"],
        paint: {
          "circle-color": meterColour,
          "circle-radius": ["case", ["get", "mine"], 7, 4],
          "circle-stroke-color": ["case", selected, COLOURS.selected, "#0f172a"],
          "circle-stroke-width": ["case", selected, 3, ["case", ["get", "mine"], 2, 0.5]],
        },
      },
    ],
  };
}

/** The dash pattern of the flows at animation step `step` (the dashes march from the sellers'
 * zone to the buyers'). */
export function flowDash(step: number): [number, number, number] | [number, number, number, number] {
  const patterns: ([number, number, number] | [number, number, number, number])[] = [
    [0, 4, 3],
    [0.5, 4, 2.5],
    [1, 4, 2],
    [1.5, 4, 1.5],
    [2, 4, 1],
    [2.5, 4, 0.5],
    [3, 4, 0],
    [0, 0.5, 3, 3.5],
    [0, 1, 3, 3],
    [0, 1.5, 3, 2.5],
    [0, 2, 3, 2],
    [0, 2.5, 3, 1.5],
    [0, 3, 3, 1],
    [0, 3.5, 3, 0.5],
  ];
  return patterns[((step % patterns.length) + patterns.length) % patterns.length] as [number, number, number];
}
