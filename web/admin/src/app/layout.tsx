import type { Metadata } from "next";
import type { ReactNode } from "react";

import { AppShell } from "@gridtokenx/shared/components/AppShell";

import { Providers } from "@/components/Providers";

import "./globals.css";

export const metadata: Metadata = {
  title: "GridTokenX — admin",
  description: "Operator console: users, meters, market, pipeline health",
};

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/users", label: "Users" },
  { href: "/meters", label: "Meters" },
  { href: "/market", label: "Market" },
  { href: "/analytics", label: "Analytics" },
  { href: "/audit", label: "Audit log" },
  { href: "/health", label: "Pipeline" },
  { href: "/simulator", label: "Simulator" },
  { href: "/transactions", label: "Transactions" },
  { href: "/security", label: "Security" },
];

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <AppShell title="GridTokenX admin" links={LINKS}>
            {children}
          </AppShell>
        </Providers>
      </body>
    </html>
  );
}
