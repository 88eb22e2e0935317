"use client";
import { Map as MapLibreMap, NavigationControl, setWorkerUrl } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef } from "react";

import { gridStyle } from "./gridStyle";

/** Served from the app's public/ (copied there at build): bundled, the worker fails to load. */
const WORKER_URL = "/maplibre/maplibre-gl-worker.mjs";

export interface GridMapProps {
  readonly center: readonly [longitude: number, latitude: number];
  readonly zoom: number;
}

export function GridMap({ center, zoom }: GridMapProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    setWorkerUrl(WORKER_URL);
    const map = new MapLibreMap({
      container: container.current,
      style: gridStyle(),
      center: [center[0], center[1]],
      zoom,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new NavigationControl({ showCompass: false }));
    map.on("load", () => container.current?.setAttribute("data-map-loaded", "true"));
    return () => map.remove();
  }, [center, zoom]);
  return <div ref={container} data-testid="grid-map" className="h-[32rem] w-full rounded-lg border border-slate-200 dark:border-slate-700" />;
}
