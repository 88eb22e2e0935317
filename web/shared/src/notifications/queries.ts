/** The query keys and requests of the notification views (bell, page, preferences): one place,
 * so that a live event invalidates exactly what they show. */
import { gatewayGet, type Schemas, type WithBigints } from "../api/gateway";

/** Every query of the account's own data starts with this (`/v1/me/...`): a change on the `user`
 * channel refetches them all. */
export const ME_KEY = ["me"] as const;
export const NOTIFICATIONS_KEY = ["me", "notifications"] as const;

export type NotificationsPage = WithBigints<Schemas["NotificationsPage"]>;

export function unreadCountKey(gatewayUrl: string, accessToken: string) {
  return [...NOTIFICATIONS_KEY, "unread", gatewayUrl, accessToken] as const;
}

/** The unread count (one row asked for: the page carries the count of all). */
export async function fetchUnreadCount(gatewayUrl: string, accessToken: string): Promise<bigint> {
  const page = await gatewayGet<Schemas["NotificationsPage"]>({
    baseUrl: gatewayUrl,
    path: "/v1/me/notifications?limit=1&unread=true",
    accessToken,
  });
  return page.unread_count;
}
