import type { Schemas, WithBigints } from "@gridtokenx/shared/api/gateway";

import { CELL, Table } from "../ui";

export type AuditEntry = WithBigints<Schemas["AuditEntry"]>;

function detailsText(details: AuditEntry["details"]): string {
  return JSON.stringify(details, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/** Audit rows as the gateway answers them, newest first. */
export function AuditTable({ entries, caption }: { readonly entries: readonly AuditEntry[]; readonly caption: string }) {
  return (
    <Table caption={caption} head={["When", "Action", "Target", "Reason", "Actor", "Details"]} testId="audit-table">
      {entries.map((entry) => (
        <tr key={entry.id.toString()} data-testid="audit-row" data-action={entry.action} data-target={entry.target}>
          <td className={`${CELL} whitespace-nowrap`}>{new Date(entry.occurred_at).toLocaleString()}</td>
          <td className={`${CELL} font-mono`}>{entry.action}</td>
          <td className={`${CELL} font-mono break-all`}>{entry.target}</td>
          <td className={CELL} data-testid="audit-reason">
            {entry.reason}
          </td>
          <td className={`${CELL} font-mono text-xs break-all`}>{entry.actor_user_id}</td>
          <td className={`${CELL} font-mono text-xs break-all`}>{detailsText(entry.details)}</td>
        </tr>
      ))}
    </Table>
  );
}
