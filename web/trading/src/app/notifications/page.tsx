import { NotificationsPage } from "@/components/Notifications/NotificationsPage";

export const metadata = { title: "GridTokenX — notifications" };

export default function Page() {
  return <NotificationsPage />;
}
