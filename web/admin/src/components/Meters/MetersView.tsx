"use client";
import { fromBase64, toBase64, type Schemas, type WithBigints } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useConnection, useWallet } from "@solana/wallet-adapter-react";
import { VersionedTransaction } from "@solana/web3.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { OperatorApi } from "../../hooks/useOperatorApi";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { Button, hasReason, ReasonInput } from "../ui";

type Queued = WithBigints<Schemas["QueuedRegistration"]>;
const KINDS: Readonly<Record<string, string>> = { "1": "solar", "2": "consumer", "3": "solar + battery", "4": "EV charger" };

/** An approve or reject answer (parsed as plain JSON: its integers are numbers). */
type Decided = Schemas["MeterRegistrationPublic"];

/** Returns the request's nonce-account rent to its owner: a fresh unsigned transaction from the
 * gateway, signed, paid and sent by this wallet (the Registry authority). */
function RefundButton({ api, requestId }: { readonly api: OperatorApi; readonly requestId: string }) {
  const { connection } = useConnection();
  const { sendTransaction } = useWallet();
  const refund = useMutation({
    mutationFn: async () => {
      const prepared = await api.get<Schemas["RefundPublic"]>(`/v1/operator/meter-registrations/${requestId}/refund-transaction`);
      const signature = await sendTransaction(VersionedTransaction.deserialize(fromBase64(prepared.transaction)), connection);
      await connection.confirmTransaction(signature, "confirmed");
      return signature;
    },
  });
  return (
    <span className="grid gap-1">
      <Button tone="secondary" className="w-fit" disabled={refund.isPending || refund.isSuccess} onClick={() => refund.mutate()}>
        Return the nonce account&apos;s rent to the owner
      </Button>
      {refund.isError ? <Notice tone="error">Refund failed: {errorText(refund.error)}</Notice> : null}
      {refund.data ? <span className="font-mono text-xs break-all">Refund sent: {refund.data}</span> : null}
    </span>
  );
}

function QueuedItem({ api, item, onDecided }: { readonly api: OperatorApi; readonly item: Queued; readonly onDecided: (decided: Decided) => void }) {
  const queryClient = useQueryClient();
  const { publicKey, signTransaction } = useWallet();
  const [reason, setReason] = useState("");
  const registration = item.registration;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["operator", api.address] });
  const approve = useMutation({
    mutationFn: async () => {
      if (!signTransaction) throw new Error("This wallet cannot sign transactions.");
      // The owner signed already; the operator's wallet adds the Registry authority's signature.
      const signed = await signTransaction(VersionedTransaction.deserialize(fromBase64(item.transaction)));
      return api.send<Decided>("POST", `/v1/operator/meter-registrations/${registration.id}/approve`, {
        transaction: toBase64(signed.serialize()),
        reason: reason.trim(),
      });
    },
    onSuccess: (answer) => {
      if (answer) onDecided(answer);
      refresh();
    },
  });
  const reject = useMutation({
    mutationFn: () => api.send<Schemas["RejectedPublic"]>("POST", `/v1/operator/meter-registrations/${registration.id}/reject`, { reason: reason.trim() }),
    onSuccess: (answer) => {
      if (answer) onDecided(answer.registration);
      refresh();
    },
  });
  const busy = approve.isPending || reject.isPending;
  return (
    <li data-testid="registration" data-registration-id={registration.id} data-meter-id={registration.meter_id} className="grid grid-cols-1 gap-2 rounded border border-slate-200 p-3 text-sm dark:border-slate-700">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Meter</dt>
        <dd className="font-mono text-xs break-all">{registration.meter_id}</dd>
        <dt className="text-slate-500">Owner</dt>
        <dd className="font-mono text-xs break-all">{registration.owner_wallet}</dd>
        <dt className="text-slate-500">Kind, zone</dt>
        <dd>
          {KINDS[registration.kind.toString()] ?? registration.kind.toString()}, zone {registration.zone_id.toString()}
        </dd>
        <dt className="text-slate-500">Rated export / import</dt>
        <dd>
          {registration.max_export_w.toString()} W / {registration.max_import_w.toString()} W
        </dd>
        <dt className="text-slate-500">Device key</dt>
        <dd className="font-mono text-xs break-all">{registration.device_pubkey}</dd>
        <dt className="text-slate-500">Requested</dt>
        <dd>{new Date(registration.created_at).toLocaleString()}</dd>
      </dl>
      <ReasonInput id={`registration-reason-${registration.id}`} value={reason} onChange={setReason} />
      <div className="flex flex-wrap gap-2">
        <Button disabled={busy || !hasReason(reason) || !publicKey} onClick={() => approve.mutate()}>
          Approve (co-sign)
        </Button>
        <Button tone="danger" disabled={busy || !hasReason(reason)} onClick={() => reject.mutate()}>
          Reject
        </Button>
      </div>
      {approve.isPending ? <p className="text-slate-500">Signing and relaying the registration…</p> : null}
      {approve.isError ? <Notice tone="error">Approval failed: {errorText(approve.error)}</Notice> : null}
      {reject.isError ? <Notice tone="error">Rejection failed: {errorText(reject.error)}</Notice> : null}

    </li>
  );
}

function QueuePanel({ api }: { readonly api: OperatorApi }) {
  const queue = useQuery({
    queryKey: ["operator", api.address, "meter-registrations"],
    queryFn: () => api.get<Schemas["RegistrationQueuePublic"]>("/v1/operator/meter-registrations"),
    refetchInterval: 10_000,
  });
  const [decided, setDecided] = useState<readonly Decided[]>([]);
  return (
    <Card title="Pending registrations" testId="meter-queue">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
        Each request carries the registration transaction its owner signed. Approving asks this wallet (the Registry authority) to add
        its signature; the gateway relays the transaction and records the meter once it landed.
      </p>
      {decided.length > 0 ? (
        <ul className="mb-3 grid grid-cols-1 gap-2" aria-label="Decided in this session">
          {decided.map((registration) => (
            <li key={registration.id} className="grid gap-1 rounded-md border border-slate-200 p-2 text-sm dark:border-slate-700">
              {registration.status === "approved" ? (
                <span data-testid="approved" data-meter-id={registration.meter_id} data-signature={registration.registration_signature ?? ""}>
                  Meter {registration.meter_id} approved: registered on chain
                  {registration.registration_signature ? ` in transaction ${registration.registration_signature}` : ""}.
                </span>
              ) : (
                <span data-testid="rejected" data-meter-id={registration.meter_id}>
                  Meter {registration.meter_id} rejected: {registration.reason}
                </span>
              )}
              <RefundButton api={api} requestId={registration.id} />
            </li>
          ))}
        </ul>
      ) : null}
      {queue.isError ? <Notice tone="error">{errorText(queue.error)}</Notice> : null}
      {queue.isPending ? <p className="text-sm text-slate-500">Loading the queue…</p> : null}
      {queue.data ? (
        queue.data.data.length > 0 ? (
          <ol className="grid grid-cols-1 gap-3" data-count={queue.data.count.toString()}>
            {queue.data.data.map((item) => (
              <QueuedItem key={item.registration.id} api={api} item={item} onDecided={(answer) => setDecided((previous) => [answer, ...previous])} />
            ))}
          </ol>
        ) : (
          <p className="text-sm text-slate-500" data-testid="meter-queue-empty">
            No registration waits for approval.
          </p>
        )
      ) : null}
    </Card>
  );
}

export function MetersView() {
  return <OperatorPage title="Meter approval queue">{(api) => <QueuePanel api={api} />}</OperatorPage>;
}
