import { AuditView } from "@/components/Audit/AuditView";

export const metadata = { title: "GridTokenX admin — Audit log" };

export default function Page() {
  return <AuditView />;
}
