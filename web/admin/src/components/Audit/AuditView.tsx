"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { saveText } from "../../lib/download";
import { isoInstant } from "../../lib/query";
import { queryString, type OperatorApi } from "../../hooks/useOperatorApi";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { Button, TextInput } from "../ui";
import { AuditTable } from "./AuditTable";

const PAGE_SIZE = 50;

interface AuditFilters {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly since: string;
  readonly until: string;
}

const EMPTY: AuditFilters = { actor: "", action: "", target: "", since: "", until: "" };

function filterQuery(filters: AuditFilters): Record<string, string> {
  return {
    actor_user_id: filters.actor.trim(),
    action: filters.action.trim(),
    target: filters.target.trim(),
    since: isoInstant(filters.since),
    until: isoInstant(filters.until),
  };
}

function AuditPanel({ api }: { readonly api: OperatorApi }) {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const [exportError, setExportError] = useState<Error | null>(null);
  const cursor = cursors.at(-1) ?? "";
  const path = `/v1/operator/audit${queryString({ ...filterQuery(filters), limit: PAGE_SIZE, cursor })}`;
  const page = useQuery({
    queryKey: ["operator", api.address, "audit", path],
    queryFn: () => api.get<Schemas["AuditPage"]>(path),
    placeholderData: keepPreviousData,
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setCursors([]);
    setFilters(draft);
  };
  const exportCsv = async () => {
    setExportError(null);
    try {
      saveText(await api.text(`/v1/operator/audit/csv${queryString(filterQuery(filters))}`), "audit.csv");
    } catch (error) {
      setExportError(error as Error);
    }
  };
  const field = (name: keyof AuditFilters) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });
  return (
    <Card title="Audit log" testId="audit-log">
      <form onSubmit={apply} aria-label="Filter the audit log" className="mb-3 grid grid-cols-1 items-end gap-2 sm:grid-cols-2 lg:grid-cols-6">
        <TextInput label="Action (ends in * for a prefix)" id="audit-action" placeholder="user.*" {...field("action")} />
        <TextInput label="Target" id="audit-target" placeholder="user:…" {...field("target")} />
        <TextInput label="Actor (user id)" id="audit-actor" {...field("actor")} />
        <TextInput label="Since" id="audit-since" type="datetime-local" {...field("since")} />
        <TextInput label="Until" id="audit-until" type="datetime-local" {...field("until")} />
        <div className="flex gap-2">
          <Button type="submit">Filter</Button>
          <Button tone="secondary" onClick={() => void exportCsv()}>
            Export CSV
          </Button>
        </div>
      </form>
      {exportError ? <Notice tone="error">CSV export failed: {errorText(exportError)}</Notice> : null}
      {page.isError ? <Notice tone="error">{errorText(page.error)}</Notice> : null}
      {page.data ? (
        page.data.data.length > 0 ? (
          <AuditTable caption="Audit log entries, newest first" entries={page.data.data} />
        ) : (
          <p className="text-sm text-slate-500">No audit entry matches.</p>
        )
      ) : page.isPending ? (
        <p className="text-sm text-slate-500">Loading the audit log…</p>
      ) : null}
      <nav aria-label="Pages of the audit log" className="mt-2 flex gap-2">
        <Button tone="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </Button>
        <Button
          tone="secondary"
          disabled={!page.data?.next_cursor}
          onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}
        >
          Older
        </Button>
      </nav>
    </Card>
  );
}

export function AuditView() {
  return <OperatorPage title="Audit log">{(api) => <AuditPanel api={api} />}</OperatorPage>;
}
