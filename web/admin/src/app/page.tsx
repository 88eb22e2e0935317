import { PendingGateway } from "@gridtokenx/shared/components/ui/EmptyState";

const SECTIONS = [
  "Users (search, roles, deactivate)",
  "Meter approval queue",
  "Market parameters",
  "Platform analytics",
  "Audit log",
  "Pipeline health",
  "Simulator control",
  "Transactions (decoded with the IDLs)",
  "Security events",
];

export default function AdminPage() {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <h1 className="text-xl font-semibold md:col-span-3">Operator console</h1>
      {SECTIONS.map((section) => (
        <PendingGateway key={section} feature={section} />
      ))}
    </div>
  );
}
