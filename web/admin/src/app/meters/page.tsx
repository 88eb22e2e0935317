import { MetersView } from "@/components/Meters/MetersView";

export const metadata = { title: "GridTokenX admin — Meter approval queue" };

export default function Page() {
  return <MetersView />;
}
