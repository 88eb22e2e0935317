import { AnalyticsView } from "@/components/Analytics/AnalyticsView";

export const metadata = { title: "GridTokenX admin — Platform analytics" };

export default function Page() {
  return <AnalyticsView />;
}
