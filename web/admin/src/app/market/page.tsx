import { MarketView } from "@/components/Market/MarketView";

export const metadata = { title: "GridTokenX admin — Market parameters" };

export default function Page() {
  return <MarketView />;
}
