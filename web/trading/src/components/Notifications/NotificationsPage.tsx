"use client";
import dynamic from "next/dynamic";

// Needs the wallet adapter and the session: loaded with them (see AppProviders).
export const NotificationsPage = dynamic(() => import("./NotificationsView").then((module) => module.NotificationsView), {
  ssr: false,
  loading: () => <h1 className="text-xl font-semibold">Notifications</h1>,
});
