import { SimulatorView } from "@/components/Simulator/SimulatorView";

export const metadata = { title: "GridTokenX admin — Simulator control" };

export default function Page() {
  return <SimulatorView />;
}
