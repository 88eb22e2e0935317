import type { RunningTotals } from "@gridtokenx/shared/portfolio/earnings";

/** The earnings chart's lines (the chart and its legend). */
export const LINES = [
  { key: "earned", label: "Earned (after fees)", color: "#059669" },
  { key: "savings", label: "Savings vs tariff", color: "#0284c7" },
  { key: "usdc", label: "Net USDC", color: "#a855f7" },
] as const satisfies readonly { key: keyof RunningTotals; label: string; color: string }[];
