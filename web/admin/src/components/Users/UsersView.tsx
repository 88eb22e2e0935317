"use client";
import type { Schemas, WithBigints } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { queryString, type OperatorApi } from "../../hooks/useOperatorApi";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { Button, CELL, Select, Table, TextInput } from "../ui";
import { UserActions } from "./UserActions";

export type OperatorUser = WithBigints<Schemas["OperatorUser"]>;
export const ROLES = ["prosumer", "consumer", "operator"] as const;
const PAGE_SIZE = 25;

interface Filters {
  readonly walletPrefix: string;
  readonly email: string;
  readonly role: string;
  readonly active: string;
}

const NO_FILTERS: Filters = { walletPrefix: "", email: "", role: "", active: "" };

function UsersPanel({ api }: { readonly api: OperatorApi }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const path = `/v1/operator/users${queryString({
    wallet_prefix: filters.walletPrefix.trim(),
    email: filters.email.trim(),
    role: filters.role,
    active: filters.active,
    limit: PAGE_SIZE,
    offset,
  })}`;
  const users = useQuery({
    queryKey: ["operator", api.address, "users", path],
    queryFn: () => api.get<Schemas["OperatorUsersPage"]>(path),
    placeholderData: keepPreviousData,
  });
  const search = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setFilters(draft);
  };
  const count = users.data ? Number(users.data.count) : 0;
  const chosen = users.data?.data.find((user) => user.id === selected) ?? null;
  return (
    <div className="grid grid-cols-1 gap-4">
      <Card title="Users" testId="users">
        <form onSubmit={search} className="mb-3 grid grid-cols-1 items-end gap-2 sm:grid-cols-2 lg:grid-cols-5" aria-label="Search users">
          <TextInput label="Wallet prefix" id="user-wallet" value={draft.walletPrefix} onChange={(event) => setDraft({ ...draft, walletPrefix: event.target.value })} />
          <TextInput label="E-mail (name@* for a prefix)" id="user-email" value={draft.email} onChange={(event) => setDraft({ ...draft, email: event.target.value })} />
          <Select label="Role" id="user-role" value={draft.role} onChange={(event) => setDraft({ ...draft, role: event.target.value })}>
            <option value="">Any role</option>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </Select>
          <Select label="Status" id="user-active" value={draft.active} onChange={(event) => setDraft({ ...draft, active: event.target.value })}>
            <option value="">Active or not</option>
            <option value="true">Active</option>
            <option value="false">Deactivated</option>
          </Select>
          <Button type="submit" className="h-fit">
            Search
          </Button>
        </form>
        {users.isError ? <Notice tone="error">{errorText(users.error)}</Notice> : null}
        {users.data ? (
          <>
            <p className="mb-2 text-sm text-slate-500" data-testid="users-count" data-count={count}>
              {count} account{count === 1 ? "" : "s"}
              {count > 0 ? `, showing ${offset + 1}–${Math.min(offset + PAGE_SIZE, count)}` : ""}
            </p>
            <Table caption="Accounts matching the search" head={["Wallets", "E-mail", "Role", "Status", "Created", ""]}>
              {users.data.data.map((user) => (
                <tr key={user.id} data-testid="user-row" data-user-id={user.id} data-role={user.role} data-active={String(user.active)} data-wallets={user.wallets.join(" ")}>
                  <td className={`${CELL} font-mono text-xs break-all`}>{user.wallets.join(", ") || "—"}</td>
                  <td className={CELL}>{user.email ?? "—"}</td>
                  <td className={CELL}>{user.role}</td>
                  <td className={CELL}>{user.active ? "active" : "deactivated"}</td>
                  <td className={`${CELL} whitespace-nowrap`}>{new Date(user.created_at).toLocaleDateString()}</td>
                  <td className={CELL}>
                    <Button tone="secondary" aria-pressed={selected === user.id} aria-label={`Manage ${user.wallets[0] ?? user.id}`} onClick={() => setSelected(user.id)}>
                      Manage
                    </Button>
                  </td>
                </tr>
              ))}
            </Table>
            <nav aria-label="Pages of users" className="mt-2 flex gap-2">
              <Button tone="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                Previous
              </Button>
              <Button tone="secondary" disabled={offset + PAGE_SIZE >= count} onClick={() => setOffset(offset + PAGE_SIZE)}>
                Next
              </Button>
            </nav>
          </>
        ) : users.isPending ? (
          <p className="text-sm text-slate-500">Loading accounts…</p>
        ) : null}
      </Card>
      {chosen ? <UserActions key={chosen.id} api={api} user={chosen} /> : null}
    </div>
  );
}

export function UsersView() {
  return <OperatorPage title="Users">{(api) => <UsersPanel api={api} />}</OperatorPage>;
}
