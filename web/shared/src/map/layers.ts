/**
 * The grid map's layers as the page names them (toggles, legend colours), shared by the map's
 * style (`components/Map/gridStyle.ts`) and the page around it.
 */

/** The toggleable layers, in the order the legend lists them. */
export const GRID_LAYERS = [
  { id: "zones", label: "Zones (live balance)" },
  { id: "feeders", label: "Feeders" },
  { id: "substations", label: "Substations" },
  { id: "meters", label: "Meters" },
  { id: "flows", label: "Trades between zones" },
] as const;

export type GridLayerId = (typeof GRID_LAYERS)[number]["id"];

/** The map layers behind each toggle. */
export const LAYER_PARTS: Readonly<Record<GridLayerId, readonly string[]>> = {
  zones: ["zones", "zones-outline"],
  feeders: ["feeder-lines", "feeders"],
  substations: ["substations"],
  meters: ["meters"],
  flows: ["flows-casing", "flows"],
};

/** The layers a click can select. */
export const CLICKABLE = ["zones", "substations", "feeders", "meters", "flows"] as const;

export const COLOURS = {
  export: "#16a34a",
  import: "#dc2626",
  balanced: "#64748b",
  withheld: "#a8a29e",
  noData: "#cbd5e1",
  substation: "#1e293b",
  feeder: "#475569",
  flow: "#7c3aed",
  selected: "#0ea5e9",
} as const;

