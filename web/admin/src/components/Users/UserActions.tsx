"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { queryString, type OperatorApi } from "../../hooks/useOperatorApi";
import { AuditTable } from "../Audit/AuditTable";
import { errorText } from "../errorText";
import { Button, hasReason, ReasonInput, Select } from "../ui";
import { ROLES, type OperatorUser } from "./UsersView";

type Change = { readonly kind: "role"; readonly role: string } | { readonly kind: "deactivate" } | { readonly kind: "reactivate" };

/** One account: change its role, deactivate or reactivate it (each with a reason), and its audit trail. */
export function UserActions({ api, user }: { readonly api: OperatorApi; readonly user: OperatorUser }) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<string>(user.role);
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const auditPath = `/v1/operator/audit${queryString({ target: `user:${user.id}`, limit: 20 })}`;
  const audit = useQuery({
    queryKey: ["operator", api.address, "audit", auditPath],
    queryFn: () => api.get<Schemas["AuditPage"]>(auditPath),
  });
  const change = useMutation({
    mutationFn: (what: Change) => {
      const body = { reason: reason.trim() };
      if (what.kind === "role") return api.send<Schemas["OperatorUser"]>("PUT", `/v1/operator/users/${user.id}/role`, { ...body, role: what.role });
      return api.send<Schemas["OperatorUser"]>("POST", `/v1/operator/users/${user.id}/${what.kind}`, body);
    },
    onSuccess: (_answer, what) => {
      setDone(what.kind === "role" ? `Role changed to ${what.role}.` : what.kind === "deactivate" ? "Account deactivated." : "Account reactivated.");
      setReason("");
      void queryClient.invalidateQueries({ queryKey: ["operator", api.address] });
    },
  });
  const ready = hasReason(reason) && !change.isPending;
  return (
    <Card title={`Account ${user.wallets[0] ?? user.id}`} testId="user-actions">
      <div className="grid grid-cols-1 gap-3">
        <p className="text-sm">
          Role <strong>{user.role}</strong>, {user.active ? "active" : "deactivated"}; id <span className="font-mono text-xs">{user.id}</span>
        </p>
        <div className="grid grid-cols-1 items-end gap-2 sm:grid-cols-2">
          <Select label="New role" id="new-role" value={role} onChange={(event) => setRole(event.target.value)}>
            {ROLES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </Select>
          <ReasonInput id="user-reason" value={reason} onChange={setReason} />
        </div>
        <div className="flex flex-wrap gap-2">
          <Button disabled={!ready || role === user.role} onClick={() => change.mutate({ kind: "role", role })}>
            Change role
          </Button>
          {user.active ? (
            <Button tone="danger" disabled={!ready} onClick={() => change.mutate({ kind: "deactivate" })}>
              Deactivate
            </Button>
          ) : (
            <Button tone="secondary" disabled={!ready} onClick={() => change.mutate({ kind: "reactivate" })}>
              Reactivate
            </Button>
          )}
        </div>
        {!hasReason(reason) ? <p className="text-xs text-slate-500">Every change needs a reason.</p> : null}
        {change.isError ? <Notice tone="error">{errorText(change.error)}</Notice> : null}
        {done && !change.isError ? <Notice tone="info">{done}</Notice> : null}
        <h3 className="text-sm font-semibold">Audit trail of this account</h3>
        {audit.isError ? <Notice tone="error">{errorText(audit.error)}</Notice> : null}
        {audit.data ? (
          audit.data.data.length > 0 ? (
            <AuditTable caption="Audit entries of this account" entries={audit.data.data} />
          ) : (
            <p className="text-sm text-slate-500">No audited change of this account yet.</p>
          )
        ) : null}
      </div>
    </Card>
  );
}
