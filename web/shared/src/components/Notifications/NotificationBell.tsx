"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";

import { useRuntimeConfig } from "../../hooks/RuntimeConfigContext";
import { MarketFeedProvider, useChannel } from "../../hooks/useMarketFeed";
import { USER_CHANNEL, userActivityFold } from "../../notifications/userActivity";
import { useOptionalGatewaySession } from "../Session/GatewaySessionContext";
import { ME_KEY, NOTIFICATIONS_KEY, fetchUnreadCount, unreadCountKey } from "../../notifications/queries";

function BellIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** The bell itself: the unread count, refetched whenever the `user` channel reports a change. */
function LiveBell({ href, accessToken }: { readonly href: string; readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const activity = useChannel(USER_CHANNEL, userActivityFold);
  const unread = useQuery({
    queryKey: unreadCountKey(gatewayUrl, accessToken),
    queryFn: () => fetchUnreadCount(gatewayUrl, accessToken),
    // The live channel drives it; this only covers a lost connection.
    refetchInterval: 60_000,
  });
  const seen = useRef<unknown>(null);
  useEffect(() => {
    const data = activity.data;
    if (data === null || data === seen.current) return;
    const first = seen.current === null;
    seen.current = data;
    // A change, or a snapshot after a reconnect: the account's views are stale. The first
    // snapshot: only what may have arrived while the page loaded (the count, the list).
    void queryClient.invalidateQueries({ queryKey: first ? NOTIFICATIONS_KEY : ME_KEY });
  }, [activity.data, queryClient]);
  const latest = activity.data?.notifications.at(-1);
  const announcement = latest?.title ? `New notification: ${latest.title}` : "";
  const count = unread.data;
  const label = count === undefined ? "Notifications" : count === 0n ? "Notifications, none unread" : `Notifications, ${count.toString()} unread`;
  return (
    <>
      <Link
        href={href}
        aria-label={label}
        title={label}
        data-testid="notification-bell"
        data-unread={count === undefined ? "" : count.toString()}
        data-live={activity.live ? "true" : "false"}
        className="relative inline-flex h-8 w-8 items-center justify-center rounded-full text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        <BellIcon />
        {count !== undefined && count > 0n ? (
          <span
            aria-hidden="true"
            data-testid="notification-unread"
            className="absolute -right-1 -top-1 min-w-5 rounded-full bg-rose-600 px-1 text-center text-xs font-semibold leading-5 text-white"
          >
            {count > 99n ? "99+" : count.toString()}
          </span>
        ) : null}
      </Link>
      <span role="status" aria-live="polite" className="sr-only" data-testid="notification-announcement">
        {announcement}
      </span>
    </>
  );
}

/**
 * The header's notification bell for a signed-in account: the unread count linking to `href`,
 * kept current over the gateway's `user` WebSocket channel (its own connection, authenticated
 * with the session's access token), which also refetches every `/v1/me` query on each change of
 * the account's orders, fills, settlements, mints and notifications. Nothing without a session.
 */
export function NotificationBell({ href }: { readonly href: string }) {
  const gateway = useOptionalGatewaySession();
  const accessToken = gateway?.session?.accessToken ?? null;
  if (!accessToken) return null;
  return (
    <MarketFeedProvider accessToken={accessToken}>
      <LiveBell href={href} accessToken={accessToken} />
    </MarketFeedProvider>
  );
}
