/**
 * The map style shipped with the app: no tile server, no glyphs or sprites fetched. Layers for
 * zones, feeders, substations and meters read the `grid` GeoJSON source, which stays empty until
 * the gateway serves the topology.
 */
import type { StyleSpecification } from "maplibre-gl";

export function gridStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {
      grid: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#e8eef3" } },
      {
        id: "zones",
        type: "fill",
        source: "grid",
        filter: ["==", ["get", "kind"], "zone"],
        paint: { "fill-color": "#94a3b8", "fill-opacity": 0.3 },
      },
      {
        id: "feeders",
        type: "line",
        source: "grid",
        filter: ["==", ["get", "kind"], "feeder"],
        paint: { "line-color": "#475569", "line-width": 2 },
      },
      {
        id: "substations",
        type: "circle",
        source: "grid",
        filter: ["==", ["get", "kind"], "substation"],
        paint: { "circle-color": "#1e293b", "circle-radius": 6 },
      },
    ],
  };
}
