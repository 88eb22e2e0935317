"use client";
import dynamic from "next/dynamic";

// Needs the wallet adapter and the session: loaded with them (see AppProviders).
export const EnergyPage = dynamic(() => import("./EnergyView").then((module) => module.EnergyView), {
  ssr: false,
  loading: () => <h1 className="text-xl font-semibold">My energy</h1>,
});
