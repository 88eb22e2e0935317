"use client";
import dynamic from "next/dynamic";

// Needs the wallet adapter and the session: loaded with them (see AppProviders).
export const PortfolioPage = dynamic(() => import("./PortfolioView").then((module) => module.PortfolioView), {
  ssr: false,
  loading: () => <h1 className="text-xl font-semibold">Portfolio</h1>,
});
