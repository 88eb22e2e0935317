import { describe, expect, it } from "vitest";

import { preferenceChanges, notificationKindLabel, type Preference } from "../src/notifications/kinds";
import { KEPT_NOTIFICATIONS, notificationOf, userActivityFold } from "../src/notifications/userActivity";

describe("the user channel's activity", () => {
  it("names the notification an event carries", () => {
    expect(notificationOf("notification", { id: 7n, title: "New sign-in" })).toEqual({ id: 7n, title: "New sign-in" });
    expect(notificationOf("settlement", { notification_id: 9n })).toEqual({ id: 9n, title: null });
    expect(notificationOf("settlement", { notification_id: null })).toBeNull();
    expect(notificationOf("fill", { status: "pending" })).toBeNull();
    expect(notificationOf("notification", { title: "no id" })).toBeNull();
  });

  it("counts market changes and keeps arrived notifications", () => {
    let state = userActivityFold.load({ orders: [], fills: [], settlements: [], mints: [] });
    state = userActivityFold.apply(state, { status: "pending" }, "fill");
    state = userActivityFold.apply(state, { id: 3n, title: "New sign-in" }, "notification");
    state = userActivityFold.apply(state, { notification_id: 4n }, "settlement");
    expect(state.changes).toBe(2);
    expect(state.notifications).toEqual([
      { id: 3n, title: "New sign-in" },
      { id: 4n, title: null },
    ]);
  });

  it("returns the same state for what it does not know (no re-render, no refetch)", () => {
    const state = userActivityFold.load({});
    expect(userActivityFold.apply(state, {}, "something_new")).toBe(state);
    expect(userActivityFold.apply(state, {}, undefined)).toBe(state);
    expect(userActivityFold.load({})).not.toBe(state);
  });

  it("keeps only the newest notifications", () => {
    let state = userActivityFold.load({});
    for (let id = 1n; id <= BigInt(KEPT_NOTIFICATIONS + 5); id++) state = userActivityFold.apply(state, { id, title: "t" }, "notification");
    expect(state.notifications).toHaveLength(KEPT_NOTIFICATIONS);
    expect(state.notifications.at(-1)?.id).toBe(BigInt(KEPT_NOTIFICATIONS + 5));
  });
});

describe("notification preferences", () => {
  const saved: Preference[] = [
    { kind: "trade_settled", in_app: true, email: true },
    { kind: "tokens_minted", in_app: true, email: false },
  ];

  it("sends only the channels that changed", () => {
    const edited: Preference[] = [
      { kind: "trade_settled", in_app: true, email: false },
      { kind: "tokens_minted", in_app: true, email: false },
    ];
    expect(preferenceChanges(saved, edited)).toEqual([{ kind: "trade_settled", email: false }]);
    expect(preferenceChanges(saved, saved)).toEqual([]);
  });

  it("labels kinds, even ones it does not know", () => {
    expect(notificationKindLabel("new_sign_in")).toBe("New sign-in");
    expect(notificationKindLabel("some_new_kind")).toBe("some new kind");
  });
});
