"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useQueries } from "@tanstack/react-query";

import { queryString, type OperatorApi } from "../../hooks/useOperatorApi";
import { AuditTable, type AuditEntry } from "../Audit/AuditTable";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";

/** Audit actions that touch who may do what: role changes, deactivations, meter approvals. */
export const SECURITY_ACTIONS = ["user.*", "meter_registration.*"] as const;

function SecurityPanel({ api }: { readonly api: OperatorApi }) {
  const results = useQueries({
    queries: SECURITY_ACTIONS.map((action) => {
      const path = `/v1/operator/audit${queryString({ action, limit: 100 })}`;
      return { queryKey: ["operator", api.address, "audit", path], queryFn: () => api.get<Schemas["AuditPage"]>(path), refetchInterval: 15_000 };
    }),
  });
  const entries: AuditEntry[] = results
    .flatMap((result) => result.data?.data ?? [])
    .sort((left, right) => Date.parse(right.occurred_at) - Date.parse(left.occurred_at));
  const failed = results.find((result) => result.isError);
  return (
    <Card title="Security events" testId="security-events">
      <div className="grid grid-cols-1 gap-3">
        <Notice tone="info">
          The gateway has no operator route for platform-wide security events: sign-in alerts and reused refresh tokens reach each
          user as in-app notifications only. Shown here: the security-relevant entries of the audit log (role changes,
          deactivations, reactivations, meter registration decisions).
        </Notice>
        {failed?.error ? <Notice tone="error">{errorText(failed.error)}</Notice> : null}
        {entries.length > 0 ? (
          <AuditTable caption="Security-relevant audit entries, newest first" entries={entries} />
        ) : results.every((result) => result.isSuccess) ? (
          <p className="text-sm text-slate-500">No security-relevant change in the audit log.</p>
        ) : null}
      </div>
    </Card>
  );
}

export function SecurityView() {
  return <OperatorPage title="Security events">{(api) => <SecurityPanel api={api} />}</OperatorPage>;
}
