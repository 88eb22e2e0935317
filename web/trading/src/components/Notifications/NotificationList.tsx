"use client";
import { gatewayGet, gatewayPost, type Schemas } from "@gridtokenx/shared/api/gateway";
import { NOTIFICATIONS_KEY, type NotificationsPage } from "@gridtokenx/shared/notifications/queries";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { QueryState } from "@gridtokenx/shared/components/ui/QueryState";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { notificationKindLabel } from "@gridtokenx/shared/notifications/kinds";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import { errorText } from "../../errorText";

const PAGE_ROWS = 20;
type Notification = NotificationsPage["data"][number];

const BUTTON =
  "rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-50 dark:border-slate-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600";

function NotificationItem({ notification, accessToken }: { readonly notification: Notification; readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const read = useMutation({
    mutationFn: () =>
      gatewayPost<Schemas["NotificationPublic"]>({ baseUrl: gatewayUrl, path: `/v1/me/notifications/${notification.id.toString()}/read`, accessToken }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const unread = notification.read_at === null;
  const created = new Date(notification.created_at);
  return (
    <li
      data-testid="notification-row"
      data-id={notification.id.toString()}
      data-kind={notification.kind}
      data-read={unread ? "false" : "true"}
      className={`grid min-w-0 grid-cols-1 gap-1 border-b border-slate-200 py-2 last:border-0 dark:border-slate-700 ${unread ? "" : "opacity-75"}`}
    >
      <div className="flex flex-wrap items-baseline gap-2">
        {unread ? (
          <span className="h-2 w-2 rounded-full bg-sky-600" title="Unread">
            <span className="sr-only">Unread:</span>
          </span>
        ) : null}
        <h3 className={`text-sm ${unread ? "font-semibold" : "font-medium"}`}>{notification.title}</h3>
        {notificationKindLabel(notification.kind) !== notification.title ? (
          <span className="text-xs text-slate-500 dark:text-slate-400">{notificationKindLabel(notification.kind)}</span>
        ) : null}
        <time dateTime={notification.created_at} className="ml-auto text-xs text-slate-500 dark:text-slate-400">
          {created.toLocaleString()}
        </time>
      </div>
      <p className="text-sm text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">{notification.body}</p>
      <div className="flex items-center gap-2">
        {unread ? (
          <button
            type="button"
            data-testid="notification-mark-read"
            aria-label={`Mark "${notification.title}" read`}
            disabled={read.isPending}
            onClick={() => read.mutate()}
            className={BUTTON}
          >
            Mark read
          </button>
        ) : (
          <span className="text-xs text-slate-500 dark:text-slate-400">Read {new Date(notification.read_at ?? "").toLocaleString()}</span>
        )}
        {read.isError ? <Notice tone="error">Could not mark it read: {errorText(read.error)}</Notice> : null}
      </div>
    </li>
  );
}

/** My notifications, newest first, a page at a time (the gateway's cursor), with the unread
 * filter, mark read and mark all read. */
export function NotificationList({ accessToken }: { readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const id = useId();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useInfiniteQuery({
    queryKey: [...NOTIFICATIONS_KEY, "list", gatewayUrl, accessToken, unreadOnly],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(PAGE_ROWS) });
      if (pageParam) query.set("cursor", pageParam);
      if (unreadOnly) query.set("unread", "true");
      return gatewayGet<Schemas["NotificationsPage"]>({ baseUrl: gatewayUrl, path: `/v1/me/notifications?${query.toString()}`, accessToken });
    },
    getNextPageParam: (last) => last.next_cursor,
  });
  const readAll = useMutation({
    mutationFn: () => gatewayPost<Schemas["ReadAllResult"]>({ baseUrl: gatewayUrl, path: "/v1/me/notifications/read-all", accessToken }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const unread = list.data?.pages[0]?.unread_count;
  return (
    <Card title="My notifications" testId="notifications">
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        <p data-testid="notifications-unread" data-unread={unread?.toString() ?? ""}>
          {unread === undefined ? "" : unread === 0n ? "All read." : `${unread.toString()} unread.`}
        </p>
        <label htmlFor={`${id}-unread`} className="flex items-center gap-1">
          <input id={`${id}-unread`} type="checkbox" checked={unreadOnly} onChange={(event) => setUnreadOnly(event.target.checked)} />
          Unread only
        </label>
        <button
          type="button"
          data-testid="notifications-read-all"
          disabled={readAll.isPending || !unread}
          onClick={() => readAll.mutate()}
          className={`ml-auto ${BUTTON}`}
        >
          Mark all read
        </button>
      </div>
      {readAll.isError ? <Notice tone="error">Could not mark them read: {errorText(readAll.error)}</Notice> : null}
      <QueryState
        query={list}
        what="notifications"
        describeError={errorText}
        isEmpty={(data) => data.pages.every((page) => page.data.length === 0)}
        empty={{
          title: unreadOnly ? "Nothing unread" : "No notifications yet",
          detail: "Filled orders, settled trades, minted energy and security events appear here as they happen.",
        }}
      >
        {(data) => (
          <>
            <ul data-testid="notification-list" aria-label="Notifications">
              {data.pages.flatMap((page) => page.data).map((notification) => (
                <NotificationItem key={notification.id.toString()} notification={notification} accessToken={accessToken} />
              ))}
            </ul>
            {list.hasNextPage ? (
              <button
                type="button"
                data-testid="notifications-more"
                disabled={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
                className={`mt-2 ${BUTTON}`}
              >
                {list.isFetchingNextPage ? "Loading…" : "Show older"}
              </button>
            ) : null}
          </>
        )}
      </QueryState>
    </Card>
  );
}
