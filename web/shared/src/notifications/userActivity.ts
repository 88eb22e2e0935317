/**
 * The `user` WebSocket channel folded into what the views need to know, pure: how often the
 * account's own data changed (orders, fills, settlements, mints: the `/v1/me/...` queries are
 * stale after each) and which notifications arrived live. The gateway's contract
 * (`gridtokenx.notifications.events`): an update carries `kind` and `data`; a `notification`
 * carries the notification itself (`id`, `kind`, `title`, `body`, `created_at`), and an
 * `order`, `settlement` or `mint` change that created a notification names it in
 * `notification_id`. The snapshot (orders, fills, settlements, mints) starts a new count: the
 * views refetch once for it, since events may have been missed before it.
 */
import type { Fold } from "../market/channels";

export const USER_CHANNEL = "user";

export interface LiveNotification {
  readonly id: bigint;
  /** Known only for a `notification` event; a market change names only the id. */
  readonly title: string | null;
}

/** A new object on every snapshot and every change that matters (views watch its identity). */
export interface UserActivity {
  /** Changes of the account's orders, fills, settlements and mints since the snapshot. */
  readonly changes: number;
  /** Notifications that arrived since the snapshot, newest last (at most `KEPT_NOTIFICATIONS`). */
  readonly notifications: readonly LiveNotification[];
}

export const KEPT_NOTIFICATIONS = 20;

function field(data: unknown, name: string): unknown {
  return data !== null && typeof data === "object" ? (data as Record<string, unknown>)[name] : undefined;
}

function asId(value: unknown): bigint | null {
  if (typeof value === "bigint") return value > 0n ? value : null;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  return null;
}

/** The notification an update of `kind` announces, or null. */
export function notificationOf(kind: string | undefined, data: unknown): LiveNotification | null {
  if (kind === "notification") {
    const id = asId(field(data, "id"));
    const title = field(data, "title");
    return id === null ? null : { id, title: typeof title === "string" ? title : null };
  }
  const id = asId(field(data, "notification_id"));
  return id === null ? null : { id, title: null };
}

const MARKET_KINDS = new Set(["order", "fill", "settlement", "mint"]);

export const userActivityFold: Fold<UserActivity> = {
  load: () => ({ changes: 0, notifications: [] }),
  apply(state, data, kind) {
    const notification = notificationOf(kind, data);
    const market = kind !== undefined && MARKET_KINDS.has(kind);
    if (!notification && !market) return state;
    return {
      changes: state.changes + (market ? 1 : 0),
      notifications: notification ? [...state.notifications, notification].slice(-KEPT_NOTIFICATIONS) : state.notifications,
    };
  },
};
