"use client";
import { LngLatBounds, Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef, useState } from "react";

import type { GridCollection, LngLat } from "../../map/grid";
import { CLICKABLE, GRID_LAYERS, LAYER_PARTS, type GridLayerId } from "../../map/layers";
import { flowDash, gridStyle } from "./gridStyle";

/** Served from the app's public/ (copied there at build): bundled, the worker fails to load. */
const WORKER_URL = "/maplibre/maplibre-gl-worker.mjs";
const FLOW_STEP_MS = 90;

export type LayerVisibility = Readonly<Record<GridLayerId, boolean>>;

export const ALL_LAYERS_VISIBLE: LayerVisibility = Object.fromEntries(GRID_LAYERS.map((layer) => [layer.id, true])) as Record<GridLayerId, boolean>;

export interface GridMapProps {
  readonly center: LngLat;
  readonly zoom: number;
  /** What to draw (`map/grid.ts`); null while it loads. */
  readonly collection: GridCollection | null;
  /** Fitted once, when first known. */
  readonly bounds?: { readonly southWest: LngLat; readonly northEast: LngLat } | null;
  readonly visible?: LayerVisibility;
  /** The selected feature's id (`fid`), shown outlined. */
  readonly selected?: string | null;
  readonly onSelect?: (fid: string | null) => void;
  /** An optional raster base map (tile URL template); none by default. */
  readonly baseMapUrl?: string | null;
}

export function GridMap({ center, zoom, collection, bounds = null, visible = ALL_LAYERS_VISIBLE, selected = null, onSelect, baseMapUrl = null }: GridMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [loaded, setLoaded] = useState(false);
  const selectRef = useRef(onSelect);
  useEffect(() => {
    selectRef.current = onSelect;
  }, [onSelect]);
  const fitted = useRef(false);
  const previousSelection = useRef<string | null>(null);

  // The map, once (its position and style do not follow later prop changes).
  useEffect(() => {
    if (!container.current) return;
    setWorkerUrl(WORKER_URL);
    const map = new MapLibreMap({
      container: container.current,
      style: gridStyle(baseMapUrl),
      center: [center[0], center[1]],
      zoom,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }));
    map.on("load", () => {
      setLoaded(true);
      container.current?.setAttribute("data-map-loaded", "true");
    });
    map.on("click", (event) => {
      const layers = CLICKABLE.filter((layer) => map.getLayer(layer) && map.getLayoutProperty(layer, "visibility") !== "none");
      const [feature] = map.queryRenderedFeatures(event.point, { layers: [...layers] });
      selectRef.current?.(feature ? String(feature.properties.fid) : null);
    });
    for (const layer of CLICKABLE) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    // The trade flows march from the sellers' zone to the buyers' (not with reduced motion).
    const still = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
    let frame = 0;
    let step = 0;
    let last = 0;
    const animate = (time: number) => {
      if (time - last >= FLOW_STEP_MS && map.getLayer("flows")) {
        last = time;
        step += 1;
        map.setPaintProperty("flows", "line-dasharray", flowDash(step));
      }
      frame = requestAnimationFrame(animate);
    };
    if (!still) frame = requestAnimationFrame(animate);
    container.current.setAttribute("data-flows-animated", String(!still));
    // The container's size follows the layout (styles arriving late, a rotated phone).
    const resized = new ResizeObserver(() => map.resize());
    resized.observe(container.current);
    return () => {
      resized.disconnect();
      cancelAnimationFrame(frame);
      map.remove();
      mapRef.current = null;
      setLoaded(false);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once; see above
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !collection) return;
    (map.getSource("grid") as GeoJSONSource | undefined)?.setData(collection as unknown as Parameters<GeoJSONSource["setData"]>[0]);
    container.current?.setAttribute("data-features", String(collection.features.length));
  }, [collection, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !bounds || fitted.current) return;
    fitted.current = true;
    map.fitBounds(new LngLatBounds([...bounds.southWest], [...bounds.northEast]), { padding: 40, duration: 0, maxZoom: 15 });
  }, [bounds, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    for (const layer of GRID_LAYERS) {
      for (const part of LAYER_PARTS[layer.id]) map.setLayoutProperty(part, "visibility", visible[layer.id] ? "visible" : "none");
    }
  }, [visible, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (previousSelection.current) map.setFeatureState({ source: "grid", id: previousSelection.current }, { selected: false });
    if (selected) map.setFeatureState({ source: "grid", id: selected }, { selected: true });
    previousSelection.current = selected;
  }, [selected, loaded, collection]);

  return (
    <div
      ref={container}
      data-testid="grid-map"
      role="region"
      aria-label="Grid map (arrow keys pan, + and − zoom; the features are listed below the map)"
      className="h-[24rem] w-full rounded-lg border border-slate-200 sm:h-[32rem] dark:border-slate-700"
    />
  );
}
