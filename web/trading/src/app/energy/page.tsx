import { PendingGateway } from "@gridtokenx/shared/components/ui/EmptyState";

export const metadata = { title: "GridTokenX — energy" };

export default function EnergyPage() {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <h1 className="text-xl font-semibold md:col-span-2">My energy</h1>
      <PendingGateway feature="My meters and their status" />
      <PendingGateway feature="Production and consumption (day, week, month)" />
      <PendingGateway feature="Minted GXT with signatures" />
      <PendingGateway feature="Meter registration request" />
      <PendingGateway feature="Monthly statement (CSV, PDF) and savings" />
    </div>
  );
}
