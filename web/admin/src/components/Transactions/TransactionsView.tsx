"use client";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useConnection } from "@solana/wallet-adapter-react";
import type { VersionedTransactionResponse } from "@solana/web3.js";
import { useMutation } from "@tanstack/react-query";
import bs58 from "bs58";
import { useMemo, useState, type FormEvent } from "react";

import { formatValue } from "../../lib/idl";
import { REGISTRY_IDL, TRADING_IDL } from "../../lib/programs";
import { decodeMessage, programTable, type InstructionView, type LandedMessage } from "../../lib/transaction";
import { Button, CELL, Table, TextInput } from "../ui";

const SIGNATURE = /^[1-9A-HJ-NP-Za-km-z]{64,88}$/;

function landedMessage(response: VersionedTransactionResponse): LandedMessage {
  const message = response.transaction.message;
  return {
    staticAccountKeys: message.staticAccountKeys.map((key) => key.toBase58()),
    loadedWritable: response.meta?.loadedAddresses?.writable.map((key) => key.toBase58()) ?? [],
    loadedReadonly: response.meta?.loadedAddresses?.readonly.map((key) => key.toBase58()) ?? [],
    header: message.header,
    instructions: message.compiledInstructions.map((instruction) => ({
      programIdIndex: instruction.programIdIndex,
      accountKeyIndexes: instruction.accountKeyIndexes,
      data: instruction.data,
    })),
  };
}

function InstructionCard({ view }: { readonly view: InstructionView }) {
  if (view.kind === "foreign") {
    return (
      <li data-testid="instruction" data-program="other" className="rounded border border-slate-200 p-3 text-sm dark:border-slate-700">
        <p>
          #{view.index} <span className="font-mono break-all">{view.programId}</span> (not one of our programs)
        </p>
        <p className="font-mono text-xs break-all">data {view.dataHex || "(none)"}</p>
      </li>
    );
  }
  if (view.kind === "undecodable") {
    return (
      <li data-testid="instruction" data-program={view.program} className="rounded border border-amber-300 p-3 text-sm">
        <p>
          #{view.index} {view.program}: could not decode — {view.error}
        </p>
        <p className="font-mono text-xs break-all">data {view.dataHex}</p>
      </li>
    );
  }
  const { instruction } = view;
  return (
    <li data-testid="instruction" data-program={instruction.program} data-name={instruction.name} className="grid grid-cols-1 gap-2 rounded border border-slate-200 p-3 text-sm dark:border-slate-700">
      <p className="font-semibold">
        #{view.index} {instruction.program}.<span data-testid="instruction-name">{instruction.name}</span>
      </p>
      <Table caption={`Accounts of ${instruction.name}`} head={["Account", "Address", "Flags"]}>
        {instruction.accounts.map((account, index) => (
          <tr key={`${account.name}-${index}`} data-testid="instruction-account" data-name={account.name}>
            <td className={CELL}>{account.name}</td>
            <td className={`${CELL} font-mono text-xs break-all`}>{account.address}</td>
            <td className={CELL}>{[account.writable ? "writable" : "", account.signer ? "signer" : ""].filter(Boolean).join(", ") || "—"}</td>
          </tr>
        ))}
      </Table>
      <Table caption={`Arguments of ${instruction.name}`} head={["Argument", "Value"]}>
        {Object.entries(instruction.args).map(([name, value]) => (
          <tr key={name} data-testid="instruction-arg" data-name={name} data-value={formatValue(value)}>
            <td className={CELL}>{name}</td>
            <td className={`${CELL} font-mono text-xs break-all`}>{formatValue(value)}</td>
          </tr>
        ))}
      </Table>
    </li>
  );
}

function TransactionPanel() {
  const { connection } = useConnection();
  const { addresses, rpcUrl } = useRuntimeConfig();
  // The cluster switch's choice is the connection's endpoint; the platform's addresses hold
  // only on the platform's own cluster.
  const onPlatformCluster = connection.rpcEndpoint === rpcUrl;
  const clusterLabel = onPlatformCluster ? "the platform's cluster" : connection.rpcEndpoint;
  const [signature, setSignature] = useState("");
  const [invalid, setInvalid] = useState(false);
  const programs = useMemo(
    () =>
      programTable([
        { idl: REGISTRY_IDL, deployedAt: onPlatformCluster ? addresses?.registry_program : null },
        { idl: TRADING_IDL, deployedAt: onPlatformCluster ? addresses?.trading_program : null },
      ]),
    [addresses, onPlatformCluster],
  );
  const lookup = useMutation({
    mutationFn: async (wanted: string) => {
      const response = await connection.getTransaction(wanted, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
      if (!response) throw new Error(`No transaction ${wanted} on ${clusterLabel} (not landed, or older than the node keeps).`);
      return response;
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = signature.trim();
    if (!SIGNATURE.test(wanted) || bs58.decode(wanted).length !== 64) {
      lookup.reset();
      setInvalid(true);
      return;
    }
    setInvalid(false);
    lookup.mutate(wanted);
  };
  const response = lookup.data;
  const views = response ? decodeMessage(landedMessage(response), programs) : [];
  return (
    <Card title="Transaction" testId="transaction-view">
      <form onSubmit={submit} aria-label="Look up a transaction" className="mb-3 flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1">
          <TextInput
            label={`Signature (read from ${clusterLabel})`}
            id="transaction-signature"
            value={signature}
            onChange={(event) => setSignature(event.target.value)}
            className="w-full font-mono"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <Button type="submit" disabled={lookup.isPending}>
          Decode
        </Button>
      </form>
      {invalid ? <Notice tone="error">That is not a transaction signature: 64 bytes in base58 (87 or 88 characters).</Notice> : null}
      {lookup.isError ? <Notice tone="error">{lookup.error.message}</Notice> : null}
      {lookup.isPending ? <p className="text-sm text-slate-500">Asking {clusterLabel}…</p> : null}
      {response ? (
        <div className="grid grid-cols-1 gap-3" data-testid="transaction-result" data-status={response.meta?.err ? "failed" : "succeeded"}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Slot</dt>
            <dd>{response.slot}</dd>
            <dt className="text-slate-500">Time</dt>
            <dd>{response.blockTime ? new Date(response.blockTime * 1000).toLocaleString() : "—"}</dd>
            <dt className="text-slate-500">Result</dt>
            <dd>{response.meta?.err ? `failed: ${JSON.stringify(response.meta.err)}` : "succeeded"}</dd>
            <dt className="text-slate-500">Fee</dt>
            <dd>{response.meta ? `${response.meta.fee} lamports` : "—"}</dd>
          </dl>
          <ol className="grid grid-cols-1 gap-2">
            {views.map((view) => (
              <InstructionCard key={view.index} view={view} />
            ))}
          </ol>
          {response.meta?.logMessages?.length ? (
            <details className="text-sm">
              <summary className="cursor-pointer">Program logs ({response.meta.logMessages.length})</summary>
              <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-800">{response.meta.logMessages.join("\n")}</pre>
            </details>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

export function TransactionsView() {
  // Reading the chain needs no session: any signature on the selected cluster.
  return (
    <div className="grid grid-cols-1 gap-4">
      <h1 className="text-xl font-semibold">Transactions</h1>
      <TransactionPanel />
    </div>
  );
}
