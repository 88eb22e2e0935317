"use client";
import dynamic from "next/dynamic";
import Link from "next/link";
import type { ReactNode } from "react";

import { ClusterSwitch } from "./Wallet/ClusterSwitch";

// The wallet adapter is not part of the first load (see AppProviders).
const WalletButton = dynamic(() => import("./Wallet/WalletButton").then((module) => module.WalletButton), {
  ssr: false,
  // Its size, so the header does not move when it arrives.
  loading: () => <span aria-hidden="true" className="inline-block h-8 w-32" />,
});

// Needs the gateway session (the wallet chunk): loaded after the first load, nothing until then.
const NotificationBell = dynamic(() => import("./Notifications/NotificationBell").then((module) => module.NotificationBell), { ssr: false });

export interface NavLink {
  readonly href: string;
  readonly label: string;
}

/** Header with navigation, the cluster switch and the wallet button; the page below. */
export function AppShell({
  title,
  links,
  notificationsHref,
  children,
}: {
  readonly title: string;
  readonly links: readonly NavLink[];
  /** The notifications page: a bell with the unread count links there (signed-in only). */
  readonly notificationsHref?: string;
  readonly children: ReactNode;
}) {
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <span className="font-semibold">{title}</span>
        <nav aria-label="Main" className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
          {links.map((link) => (
            <Link key={link.href} href={link.href} className="whitespace-nowrap hover:underline">
              {link.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-4">
          {notificationsHref ? <NotificationBell href={notificationsHref} /> : null}
          <ClusterSwitch />
          <WalletButton />
        </div>
      </header>
      <main className="mx-auto max-w-6xl p-4">{children}</main>
    </div>
  );
}
