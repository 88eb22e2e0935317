import { EnergyPage } from "@/components/Energy/EnergyPage";

export const metadata = { title: "GridTokenX — energy" };

export default function Page() {
  return <EnergyPage />;
}
