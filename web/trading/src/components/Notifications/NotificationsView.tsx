"use client";
import { SessionGate } from "../SessionGate";
import { NotificationList } from "./NotificationList";
import { NotificationPreferences } from "./NotificationPreferences";

/** My in-app notifications (live: the header bell's `user` channel refetches them) and which
 * kinds reach me in the app and by e-mail. */
export function NotificationsView() {
  return (
    <div className="grid grid-cols-1 gap-4">
      <h1 className="text-xl font-semibold">Notifications</h1>
      <SessionGate what="your notifications">
        {(accessToken) => (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
            <NotificationList accessToken={accessToken} />
            <NotificationPreferences accessToken={accessToken} />
          </div>
        )}
      </SessionGate>
    </div>
  );
}
