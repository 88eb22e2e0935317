import { registrationStatusText } from "../../energy/meterRequest";

const TONES: Readonly<Record<string, string>> = {
  approved: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
  rejected: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100",
  pending_approval: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
};

/** A meter registration request's status as the gateway reports it, with what it means. */
export function RegistrationStatus({ status, reason, testId }: { readonly status: string; readonly reason: string | null; readonly testId?: string }) {
  return (
    <span
      data-testid={testId}
      data-status={status}
      className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${TONES[status] ?? "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100"}`}
    >
      {registrationStatusText(status, reason)}
    </span>
  );
}
