import { PortfolioPage } from "@/components/Portfolio/PortfolioPage";

export const metadata = { title: "GridTokenX — portfolio" };

export default function Page() {
  return <PortfolioPage />;
}
