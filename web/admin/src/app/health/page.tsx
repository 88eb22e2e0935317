import { HealthView } from "@/components/Health/HealthView";

export const metadata = { title: "GridTokenX admin — Pipeline health" };

export default function Page() {
  return <HealthView />;
}
