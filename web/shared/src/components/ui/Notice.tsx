import type { ReactNode } from "react";

export function Notice({ tone, children }: { readonly tone: "info" | "warning" | "error"; readonly children: ReactNode }) {
  const colours = {
    info: "border-sky-300 bg-sky-50 text-sky-900 dark:bg-sky-950 dark:text-sky-100",
    warning: "border-amber-300 bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
    error: "border-red-300 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
  }[tone];
  return (
    <p role={tone === "info" ? "status" : "alert"} className={`rounded-md border px-3 py-2 text-sm ${colours}`}>
      {children}
    </p>
  );
}
