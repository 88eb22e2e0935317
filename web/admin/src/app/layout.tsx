import type { Metadata } from "next";
import type { ReactNode } from "react";

import { AppProviders } from "@gridtokenx/shared/components/AppProviders";
import { AppShell } from "@gridtokenx/shared/components/AppShell";

import "./globals.css";

export const metadata: Metadata = {
  title: "GridTokenX — admin",
  description: "Operator console: users, meters, market, pipeline health",
};

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AppProviders>
          <AppShell title="GridTokenX admin" links={[{ href: "/", label: "Overview" }]}>
            {children}
          </AppShell>
        </AppProviders>
      </body>
    </html>
  );
}
