"use client";
import Link from "next/link";
import type { ReactNode } from "react";

import { ClusterSwitch } from "./Wallet/ClusterSwitch";
import { WalletButton } from "./Wallet/WalletButton";

export interface NavLink {
  readonly href: string;
  readonly label: string;
}

/** Header with navigation, the cluster switch and the wallet button; the page below. */
export function AppShell({ title, links, children }: { readonly title: string; readonly links: readonly NavLink[]; readonly children: ReactNode }) {
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <span className="font-semibold">{title}</span>
        <nav aria-label="Main" className="flex gap-3 text-sm">
          {links.map((link) => (
            <Link key={link.href} href={link.href} className="hover:underline">
              {link.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-4">
          <ClusterSwitch />
          <WalletButton />
        </div>
      </header>
      <main className="mx-auto max-w-6xl p-4">{children}</main>
    </div>
  );
}
