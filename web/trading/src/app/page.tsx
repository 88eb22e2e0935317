import { TradingPage } from "@/components/TradingPage";

export default function Page() {
  return <TradingPage />;
}
