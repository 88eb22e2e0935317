import Link from "next/link";

const SECTIONS = [
  { href: "/users", title: "Users", detail: "Search accounts, filter by role, change roles, deactivate and reactivate." },
  { href: "/meters", title: "Meter approval queue", detail: "Pending meter registrations: co-sign with the operator's wallet or reject." },
  { href: "/market", title: "Market parameters", detail: "Tick and lot sizes, fee and mode, each change with a reason." },
  { href: "/analytics", title: "Platform analytics", detail: "Users, meters, volume, fees and settlement success per zone; CSV export." },
  { href: "/audit", title: "Audit log", detail: "Every operator change with its reason; filter, page through, export CSV." },
  { href: "/health", title: "Pipeline health", detail: "Kafka lag, dead letters, ingest and mint rates, settlement backlog, chain slot — live." },
  { href: "/simulator", title: "Simulator control", detail: "Start, stop, speed, fleet mix, weather and fault injection." },
  { href: "/transactions", title: "Transactions", detail: "Fetch a transaction from the cluster and decode our programs' instructions." },
  { href: "/security", title: "Security events", detail: "Security-relevant changes from the audit log." },
];

export default function AdminPage() {
  return (
    <div className="grid grid-cols-1 gap-4">
      <h1 className="text-xl font-semibold">Operator console</h1>
      <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {SECTIONS.map((section) => (
          <li key={section.href}>
            <Link
              href={section.href}
              className="block h-full rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500 dark:border-slate-700 dark:bg-slate-900"
            >
              <span className="font-semibold">{section.title}</span>
              <span className="mt-1 block text-sm text-slate-600 dark:text-slate-300">{section.detail}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
