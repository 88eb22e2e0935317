"use client";
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";

import type { Fold } from "../market/channels";
import { MarketFeedClient, feedUrl } from "../market/feedClient";
import { isLive, type ChannelPhase, type FeedState } from "../market/sequence";
import { useRuntimeConfig } from "./RuntimeConfigContext";

const FeedContext = createContext<MarketFeedClient | null>(null);

/** One `/v1/ws` connection for the views below it, opened on mount, closed on unmount;
 * `accessToken` (the gateway session's, kept current) opens the private channels. */
export function MarketFeedProvider({ children, accessToken = null }: { readonly children: ReactNode; readonly accessToken?: string | null }) {
  const { gatewayUrl } = useRuntimeConfig();
  const [client] = useState(() => new MarketFeedClient(feedUrl(gatewayUrl)));
  useEffect(() => client.authenticate(accessToken), [client, accessToken]);
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
  return <FeedContext.Provider value={client}>{children}</FeedContext.Provider>;
}

export interface ChannelView<D> {
  readonly data: D | null;
  readonly phase: ChannelPhase | "unsubscribed";
  /** Current: see `isLive` in market/sequence.ts. Everything else is shown as stale. */
  readonly live: boolean;
  readonly connection: FeedState["connection"];
  readonly sequence: bigint | null;
  readonly gaps: number;
}

/** A channel's folded state, re-rendered on every change; subscribed while mounted. */
export function useChannel<D>(channel: string | null, fold: Fold<D>): ChannelView<D> {
  const client = useContext(FeedContext);
  if (!client) throw new Error("useChannel outside MarketFeedProvider");
  useEffect(() => {
    if (channel === null) return;
    client.subscribe(channel, fold as Fold<unknown>);
    return () => client.unsubscribe(channel);
  }, [client, channel, fold]);
  const state = useSyncExternalStore(client.listen, client.getState, client.getState);
  // Liveness also depends on the clock (a silent connection turns stale): re-check each second.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const held = channel === null ? undefined : state.channels.get(channel);
  return {
    data: (held?.data ?? null) as D | null,
    phase: held?.phase ?? "unsubscribed",
    live: channel !== null && isLive(state, channel, Math.max(now, state.lastMessageMs ?? 0), client.timing),
    connection: state.connection,
    sequence: held?.sequence ?? null,
    gaps: held?.gaps ?? 0,
  };
}
