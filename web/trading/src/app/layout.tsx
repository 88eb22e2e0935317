import type { Metadata } from "next";
import type { ReactNode } from "react";

import { AppShell } from "@gridtokenx/shared/components/AppShell";

import { Providers } from "@/components/Providers";

import "./globals.css";

export const metadata: Metadata = {
  title: "GridTokenX — trading",
  description: "Peer-to-peer energy market: balances, orders and the grid",
};

const LINKS = [
  { href: "/", label: "Trading" },
  { href: "/energy", label: "Energy" },
  { href: "/map", label: "Grid map" },
  { href: "/portfolio", label: "Portfolio" },
];

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <AppShell title="GridTokenX" links={LINKS} notificationsHref="/notifications">
            {children}
          </AppShell>
        </Providers>
      </body>
    </html>
  );
}
