"use client";
import type { Schemas } from "@gridtokenx/shared/api/gateway";
import { Card } from "@gridtokenx/shared/components/ui/Card";
import { Notice } from "@gridtokenx/shared/components/ui/Notice";
import { formatGxt, formatPricePerKwh } from "@gridtokenx/shared/format/units";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import type { OperatorApi } from "../../hooks/useOperatorApi";
import { positiveInteger } from "../../lib/query";
import { errorText } from "../errorText";
import { OperatorPage } from "../OperatorGate";
import { Button, hasReason, ReasonInput, TextInput } from "../ui";

function ParametersPanel({ api, market }: { readonly api: OperatorApi; readonly market: string }) {
  const queryClient = useQueryClient();
  const key = ["operator", api.address, "market-parameters", market];
  const parameters = useQuery({ queryKey: key, queryFn: () => api.get<Schemas["MarketParametersPublic"]>(`/v1/operator/markets/${market}/parameters`) });
  const [tick, setTick] = useState("");
  const [lot, setLot] = useState("");
  const [reason, setReason] = useState("");
  const change = useMutation({
    mutationFn: (body: { tick_per_kwh?: bigint; lot_gxt_base_units?: bigint }) =>
      api.send<Schemas["MarketParametersPublic"]>("PUT", `/v1/operator/markets/${market}/parameters`, { ...body, reason: reason.trim() }),
    onSuccess: () => {
      setTick("");
      setLot("");
      setReason("");
      void queryClient.invalidateQueries({ queryKey: ["operator", api.address] });
    },
  });
  const tickValue = positiveInteger(tick);
  const lotValue = positiveInteger(lot);
  const invalid = (tick !== "" && tickValue === null) || (lot !== "" && lotValue === null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ ...(tickValue !== null ? { tick_per_kwh: tickValue } : {}), ...(lotValue !== null ? { lot_gxt_base_units: lotValue } : {}) });
  };
  const data = parameters.data;
  return (
    <Card title="Parameters" testId="market-parameters">
      {parameters.isError ? <Notice tone="error">{errorText(parameters.error)}</Notice> : null}
      {data ? (
        <div className="grid grid-cols-1 gap-4">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Tick</dt>
            <dd data-testid="market-tick" data-value={data.tick_per_kwh.toString()}>
              {formatPricePerKwh(data.tick_per_kwh)} ({data.tick_per_kwh.toString()} USDC base units per kWh; {data.tick_and_lot_source})
            </dd>
            <dt className="text-slate-500">Lot</dt>
            <dd data-testid="market-lot" data-value={data.lot_gxt_base_units.toString()}>
              {formatGxt(data.lot_gxt_base_units)} ({data.lot_gxt_base_units.toString()} base units)
            </dd>
            <dt className="text-slate-500">Fee</dt>
            <dd>{data.fee_bps === null ? "unknown (the chain could not be read)" : `${data.fee_bps.toString()} bps — fixed on chain when the market was initialized`}</dd>
            <dt className="text-slate-500">Mode</dt>
            <dd>
              {data.mode}
              {data.mode === "auction" ? `, every ${data.auction_interval_ms.toString()} ms` : ""} — the matcher&apos;s setting, fixed for a live market
            </dd>
          </dl>
          <details className="text-sm">
            <summary className="cursor-pointer">Which component honours each parameter</summary>
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(data.honoured_by).map(([name, who]) => (
                <li key={name}>
                  <span className="font-mono">{name}</span>: {who}
                </li>
              ))}
            </ul>
          </details>
          <form onSubmit={submit} aria-label="Change the market's parameters" className="grid grid-cols-1 items-end gap-2 sm:grid-cols-2">
            <TextInput label="New tick (USDC base units per kWh)" id="market-new-tick" inputMode="numeric" value={tick} onChange={(event) => setTick(event.target.value)} placeholder={data.tick_per_kwh.toString()} />
            <TextInput label="New lot (GXT base units)" id="market-new-lot" inputMode="numeric" value={lot} onChange={(event) => setLot(event.target.value)} placeholder={data.lot_gxt_base_units.toString()} />
            <div className="sm:col-span-2">
              <ReasonInput id="market-reason" value={reason} onChange={setReason} />
            </div>
            <Button type="submit" className="w-fit" disabled={change.isPending || !hasReason(reason) || invalid || (tickValue === null && lotValue === null)}>
              Change parameters
            </Button>
          </form>
          {invalid ? <Notice tone="error">Tick and lot are whole positive numbers of base units.</Notice> : null}
          {change.isError ? <Notice tone="error">{errorText(change.error)}</Notice> : null}
          {change.isSuccess ? <Notice tone="info">Parameters changed; the order routes enforce them within seconds.</Notice> : null}
        </div>
      ) : parameters.isPending ? (
        <p className="text-sm text-slate-500">Reading the market…</p>
      ) : null}
    </Card>
  );
}

function MarketPanel({ api }: { readonly api: OperatorApi }) {
  const { addresses, addressesError } = useRuntimeConfig();
  const [market, setMarket] = useState(addresses?.market ?? "");
  const [draft, setDraft] = useState(market);
  return (
    <div className="grid grid-cols-1 gap-4">
      {!addresses ? <Notice tone="warning">No platform market: {addressesError ?? "the chain is not bootstrapped"}.</Notice> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setMarket(draft.trim());
        }}
        aria-label="Choose a market"
        className="flex flex-wrap items-end gap-2"
      >
        <div className="min-w-0 flex-1">
          <TextInput label="Market account" id="market-address" className="w-full font-mono" value={draft} onChange={(event) => setDraft(event.target.value)} />
        </div>
        <Button type="submit">Show</Button>
      </form>
      {market ? <ParametersPanel key={market} api={api} market={market} /> : null}
    </div>
  );
}

export function MarketView() {
  return <OperatorPage title="Market parameters">{(api) => <MarketPanel api={api} />}</OperatorPage>;
}
