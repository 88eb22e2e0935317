/** The notification kinds the gateway knows (`NotificationKind` in its OpenAPI document) and
 * how the pages name them. */
import type { Schemas } from "../api/gateway";

export type NotificationKind = Schemas["PreferencePublic"]["kind"];

const LABELS: Readonly<Record<NotificationKind, string>> = {
  order_filled: "Order filled",
  trade_settled: "Trade settled",
  tokens_minted: "Energy tokens minted",
  new_sign_in: "New sign-in",
  refresh_token_reused: "Session ended (token reused)",
  meter_key_rotated: "Meter key rotated",
};

/** A kind's name for people; an unknown one (a newer gateway) as the gateway spells it. */
export function notificationKindLabel(kind: string): string {
  return (LABELS as Readonly<Record<string, string>>)[kind] ?? kind.replaceAll("_", " ");
}

export type PreferenceChannel = "in_app" | "email";

export interface Preference {
  readonly kind: NotificationKind;
  readonly in_app: boolean;
  readonly email: boolean;
}

/** The changed pairs between what the gateway holds and the form (the PUT body's items;
 * a channel left out keeps its setting). */
export function preferenceChanges(saved: readonly Preference[], edited: readonly Preference[]): Schemas["PreferenceUpdate"][] {
  const before = new Map(saved.map((item) => [item.kind, item] as const));
  const changes: Schemas["PreferenceUpdate"][] = [];
  for (const item of edited) {
    const old = before.get(item.kind);
    const change: Schemas["PreferenceUpdate"] = { kind: item.kind };
    if (!old || old.in_app !== item.in_app) change.in_app = item.in_app;
    if (!old || old.email !== item.email) change.email = item.email;
    if (change.in_app !== undefined || change.email !== undefined) changes.push(change);
  }
  return changes;
}
