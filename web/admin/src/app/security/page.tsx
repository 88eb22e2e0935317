import { SecurityView } from "@/components/Security/SecurityView";

export const metadata = { title: "GridTokenX admin — Security events" };

export default function Page() {
  return <SecurityView />;
}
