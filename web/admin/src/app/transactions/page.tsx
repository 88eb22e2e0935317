import { TransactionsView } from "@/components/Transactions/TransactionsView";

export const metadata = { title: "GridTokenX admin — Transactions" };

export default function Page() {
  return <TransactionsView />;
}
