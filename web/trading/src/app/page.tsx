import { TradingView } from "@/components/TradingView";

export default function TradingPage() {
  return <TradingView />;
}
