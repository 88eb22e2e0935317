"use client";
import { GatewayError, gatewayGet, type Schemas } from "@gridtokenx/shared/api/gateway";
import { DeviceKeyNotice } from "@gridtokenx/shared/components/Energy/DeviceKeyNotice";
import { RegistrationStatus } from "@gridtokenx/shared/components/Energy/RegistrationStatus";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { EmptyState } from "@gridtokenx/shared/components/ui/EmptyState";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import {
  METER_KINDS,
  OWNER_STEPS,
  checkMeterRequest,
  zonesOfTopology,
  type DeviceKey,
  type MeterRequestField,
  type MeterRequestForm,
} from "@gridtokenx/shared/energy/meterRequest";
import { meterNames, rememberMeterName } from "@gridtokenx/shared/energy/meterNames";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type ReactNode } from "react";

import { errorText } from "../../errorText";
import { useMeterRegistration, type Registration } from "./useMeterRegistration";

const OPEN_STATUSES = new Set(["awaiting_nonce", "awaiting_owner", "pending_approval"]);
const EMPTY_FORM: MeterRequestForm = { name: "", kind: "1", zone: "", maxExportKw: "10", maxImportKw: "10", deviceKey: "" };
const KIND_LABEL = Object.fromEntries(METER_KINDS.map((kind) => [String(kind.value), kind.label]));
const INPUT =
  "h-9 w-full rounded border border-slate-300 bg-white px-2 text-sm dark:border-slate-600 dark:bg-slate-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600 aria-[invalid=true]:border-red-600";

/** What a failed step says, and its code for tests: the gateway's, or the wallet's refusal. */
function failure(error: Error): { readonly code: string; readonly text: string } {
  if (error instanceof GatewayError) return { code: error.code, text: errorText(error) };
  if (error.name.startsWith("Wallet")) {
    return {
      code: "wallet_refused",
      text: `The wallet did not sign (${error.message || error.name}). Nothing was sent; use Continue on the request to sign again.`,
    };
  }
  return { code: "error", text: error.message };
}

function Field({
  id,
  label,
  field,
  errors,
  hint,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly field: MeterRequestField;
  readonly errors: Partial<Record<MeterRequestField, string>>;
  readonly hint?: string;
  readonly children: ReactNode;
}) {
  return (
    <div className="grid content-start gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      {errors[field] ? (
        <p id={`${id}-error`} data-testid="meter-request-field-error" data-field={field} className="text-xs text-red-700 dark:text-red-400">
          {errors[field]}
        </p>
      ) : null}
    </div>
  );
}

/** Form → the wallet signs setup and registration → the request waits in the operators' queue. */
function RequestForm({
  zones,
  busy,
  errors,
  submit,
  cancel,
}: {
  readonly zones: readonly bigint[];
  readonly busy: boolean;
  readonly errors: Partial<Record<MeterRequestField, string>>;
  readonly submit: (form: MeterRequestForm) => void;
  readonly cancel: () => void;
}) {
  const base = useId();
  const [form, setForm] = useState<MeterRequestForm>({ ...EMPTY_FORM, zone: zones[0]?.toString() ?? "" });
  const set = (key: keyof MeterRequestForm) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const aria = (field: MeterRequestField, id: string, hint = false) => ({
    id,
    "aria-invalid": errors[field] ? true : undefined,
    "aria-describedby": [hint ? `${id}-hint` : "", errors[field] ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined,
  });
  return (
    <form
      data-testid="meter-request-form"
      aria-label="Meter registration request"
      noValidate
      className="grid gap-3 sm:grid-cols-2"
      onSubmit={(event) => {
        event.preventDefault();
        submit(form);
      }}
    >
      <Field id={`${base}-name`} label="Meter name" field="name" errors={errors} hint="Kept in this browser only.">
        <input data-testid="meter-request-name" className={INPUT} value={form.name} onChange={set("name")} autoComplete="off" maxLength={80} {...aria("name", `${base}-name`, true)} />
      </Field>
      <Field id={`${base}-kind`} label="Meter kind" field="kind" errors={errors}>
        <select data-testid="meter-request-kind" className={INPUT} value={form.kind} onChange={set("kind")} {...aria("kind", `${base}-kind`)}>
          {METER_KINDS.map((kind) => (
            <option key={kind.value} value={String(kind.value)}>
              {kind.label}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${base}-zone`} label="Zone" field="zone" errors={errors} hint="Zones of the grid topology.">
        <select data-testid="meter-request-zone" className={INPUT} value={form.zone} onChange={set("zone")} {...aria("zone", `${base}-zone`, true)}>
          {zones.map((zone) => (
            <option key={zone.toString()} value={zone.toString()}>
              Zone {zone.toString()}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${base}-export`} label="Rated export power (kW)" field="maxExport" errors={errors}>
        <input data-testid="meter-request-max-export" inputMode="decimal" className={INPUT} value={form.maxExportKw} onChange={set("maxExportKw")} {...aria("maxExport", `${base}-export`)} />
      </Field>
      <Field id={`${base}-import`} label="Rated import power (kW)" field="maxImport" errors={errors}>
        <input data-testid="meter-request-max-import" inputMode="decimal" className={INPUT} value={form.maxImportKw} onChange={set("maxImportKw")} {...aria("maxImport", `${base}-import`)} />
      </Field>
      <div className="sm:col-span-2">
        <Field
          id={`${base}-device`}
          label="Device public key (base58, optional)"
          field="deviceKey"
          errors={errors}
          hint="The Ed25519 key the meter signs its readings with. Leave blank to generate one in this browser: its secret is shown once, for the meter."
        >
          <input data-testid="meter-request-device-key" className={`${INPUT} font-mono text-xs`} value={form.deviceKey} onChange={set("deviceKey")} autoComplete="off" spellCheck={false} {...aria("deviceKey", `${base}-device`, true)} />
        </Field>
      </div>
      <div className="flex flex-wrap gap-2 sm:col-span-2">
        <button
          type="submit"
          data-testid="meter-request-submit"
          disabled={busy}
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        >
          {busy ? "Waiting for the wallet and the chain…" : "Sign and request"}
        </button>
        <button type="button" onClick={cancel} disabled={busy} className="rounded border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-600">
          Cancel
        </button>
      </div>
      <p className="text-xs text-slate-500 sm:col-span-2 dark:text-slate-400">
        Your wallet signs two transactions: the setup (it creates the request&apos;s nonce account; you pay its rent, returned after the decision) and the
        registration, which an operator co-signs to approve.
      </p>
    </form>
  );
}

function RequestsList({
  requests,
  names,
  busy,
  resume,
}: {
  readonly requests: readonly Registration[];
  readonly names: Readonly<Record<string, string>>;
  readonly busy: boolean;
  readonly resume: (registration: Registration) => void;
}) {
  if (requests.length === 0) return <EmptyState title="No meter requests" detail="Requests you make appear here with their status." />;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm [&_td]:pr-3 [&_th]:pr-3">
        <caption className="sr-only">My meter registration requests</caption>
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th scope="col">Meter</th>
            <th scope="col">Kind</th>
            <th scope="col">Zone</th>
            <th scope="col">Status</th>
            <th scope="col">Requested (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr
              key={request.id}
              data-testid="meter-request-row"
              data-request-id={request.id}
              data-status={request.status}
              data-meter-id={request.meter_id}
              data-zone={String(request.zone_id)}
              className="align-top"
            >
              <td>
                <span className="block">{names[request.meter_id] ?? "—"}</span>
                <span className="font-mono text-xs" title={request.meter_id}>
                  {request.meter_id.slice(0, 8)}
                </span>
              </td>
              <td>{KIND_LABEL[String(request.kind)] ?? request.kind}</td>
              <td>{request.zone_id}</td>
              <td>
                <div className="grid justify-items-start gap-1">
                  <RegistrationStatus status={request.status} reason={request.reason} />
                  {(OWNER_STEPS as readonly string[]).includes(request.status) ? (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => resume(request)}
                      aria-label={`Continue request ${request.meter_id.slice(0, 8)}: sign with the wallet`}
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-600"
                    >
                      Continue: sign
                    </button>
                  ) : null}
                </div>
              </td>
              <td className="font-mono text-xs">{request.created_at.replace("T", " ").slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** My meter registration requests: make one (signed by my wallet), follow its status. */
export function MeterRequestCard({ accessToken }: { readonly accessToken: string }) {
  const { gatewayUrl } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const { start, resume } = useMeterRegistration(accessToken);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<MeterRequestField, string>>>({});
  const [failed, setFailed] = useState<{ readonly code: string; readonly text: string } | null>(null);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [secret, setSecret] = useState<DeviceKey | null>(null);
  // Rendered in the browser only (the energy page loads without SSR): storage is there.
  const [names, setNames] = useState<Readonly<Record<string, string>>>(() => meterNames(window.localStorage));

  const topology = useQuery({
    queryKey: ["grid-topology", gatewayUrl],
    queryFn: () => gatewayGet<unknown>({ baseUrl: gatewayUrl, path: "/v1/grid/topology" }),
    staleTime: 300_000,
    retry: (failures, error) => !(error instanceof GatewayError && error.code === "grid_topology_unknown") && failures < 2,
  });
  const zones = zonesOfTopology(topology.data);
  const requests = useQuery({
    queryKey: ["meter-registrations", gatewayUrl, accessToken],
    queryFn: () => gatewayGet<Schemas["MeterRegistrationsPublic"]>({ baseUrl: gatewayUrl, path: "/v1/me/meter-registrations", accessToken }),
    refetchInterval: (query) => (query.state.data?.data.some((request) => OPEN_STATUSES.has(request.status)) ? 2_000 : 30_000),
  });
  // Plain JSON numbers are enough here: ids, statuses and small integers.
  const list: Registration[] = (requests.data?.data ?? []).map((request) => ({
    ...request,
    zone_id: Number(request.zone_id),
    kind: Number(request.kind),
    max_export_w: Number(request.max_export_w),
    max_import_w: Number(request.max_import_w),
  }));
  // The request just made; after a reload, the newest one.
  const current = list.find((request) => request.id === currentId) ?? (currentId === null ? (list[0] ?? null) : null);
  const decided = current?.status === "approved";
  useEffect(() => {
    // An approved meter is one of my meters now.
    if (decided) void queryClient.invalidateQueries({ queryKey: ["meters"] });
  }, [decided, queryClient]);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["meter-registrations"] });
  const run = async (work: () => Promise<Registration>) => {
    setBusy(true);
    setFailed(null);
    try {
      const registration = await work();
      setCurrentId(registration.id);
      setOpen(false);
    } catch (error) {
      const shown = failure(error as Error);
      if (error instanceof GatewayError && error.details.field === "device_pubkey") setErrors({ deviceKey: error.message });
      setFailed(shown);
    } finally {
      setBusy(false);
      refresh();
    }
  };
  const submit = (form: MeterRequestForm) => {
    const checked = checkMeterRequest(form, zones);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    void run(() =>
      start(checked.body, ({ registration, deviceKey }) => {
        rememberMeterName(window.localStorage, registration.meter_id, checked.name);
        setNames(meterNames(window.localStorage));
        setCurrentId(registration.id);
        setSecret(deviceKey);
        refresh();
      }),
    );
  };

  return (
    <Card title="Meter registration" testId="meter-request">
      <div className="grid gap-3">
        {secret ? <DeviceKeyNotice deviceKey={secret} onDismiss={() => setSecret(null)} /> : null}
        {current ? (
          <p className="text-sm">
            Your request for {names[current.meter_id] ?? `meter ${current.meter_id.slice(0, 8)}`}:{" "}
            <span data-testid="meter-request-status" data-status={current.status} data-request-id={current.id} data-meter-id={current.meter_id}>
              <RegistrationStatus status={current.status} reason={current.reason} />
            </span>
          </p>
        ) : null}
        {failed ? (
          <div data-testid="meter-request-error" data-code={failed.code}>
            <Notice tone="error">{failed.text}</Notice>
          </div>
        ) : null}
        {topology.isError ? (
          <Notice tone="warning">
            Meters cannot be requested now: {errorText(topology.error)}
          </Notice>
        ) : open ? (
          <RequestForm zones={zones} busy={busy} errors={errors} submit={submit} cancel={() => setOpen(false)} />
        ) : (
          <button
            type="button"
            data-testid="meter-request-open"
            disabled={!topology.data || busy}
            onClick={() => {
              setErrors({});
              setFailed(null);
              setOpen(true);
            }}
            className="w-fit rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
          >
            Request a meter
          </button>
        )}
        <h3 className="text-sm font-medium">My requests</h3>
        {requests.isError ? (
          <Notice tone="error">Could not load your requests: {errorText(requests.error)}</Notice>
        ) : !requests.data ? (
          <p className="text-sm text-slate-500">Loading requests…</p>
        ) : (
          <RequestsList requests={list} names={names} busy={busy} resume={(registration) => void run(() => resume(registration))} />
        )}
      </div>
    </Card>
  );
}
