"use client";
import dynamic from "next/dynamic";

import { PendingGateway } from "@gridtokenx/shared/components/ui/EmptyState";

// WebGL and the worker exist only in the browser.
const GridMap = dynamic(() => import("@gridtokenx/shared/components/Map/GridMap").then((module) => module.GridMap), {
  ssr: false,
});

/** The simulated fleet's default site (simulator settings): Bangkok. */
const CENTER = [100.5018, 13.7563] as const;

export function MapView() {
  return (
    <div className="grid gap-4">
      <h1 className="text-xl font-semibold">Grid map</h1>
      <GridMap center={CENTER} zoom={11} />
      <PendingGateway feature="Substations, feeders, zones and trade flows" />
    </div>
  );
}
