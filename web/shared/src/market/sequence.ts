/**
 * The WebSocket sequence logic of `/v1/ws`, pure: a state machine `step(state, event)` →
 * `{state, effects}` that an adapter (`feedClient.ts`) drives with socket events and a clock.
 *
 * Per channel: `subscribe` → the server answers a snapshot (sequence s); an update carrying
 * `previous`/`sequence` applies only when `previous` equals the sequence held, then the channel
 * holds `sequence`. An update at or below the held sequence is one the snapshot already had
 * (dropped); any other `previous` means a message was missed (a gap): the channel asks for a
 * fresh snapshot (`resync`) and ignores updates until it comes. A channel the server does not
 * know yet (`market_not_found`: no trade or order on the market so far) is asked for again every
 * `absentRetryMs`.
 *
 * Private channels (`user`, `meter:<id>`) need the account's access token: the state holds it
 * (`authenticate`), and every connection sends `{"op": "auth"}` before its subscriptions; a new
 * token is sent at once and the private channels are subscribed again (the server answers a
 * fresh snapshot). A private channel the server refused (`unauthenticated`, no token yet) or
 * dropped (`unsubscribed` after the token expired) waits, not live, for the next token.
 *
 * Per connection: a close schedules a reconnect after an exponential backoff with jitter
 * (`backoffDelayMs`); every channel keeps its last data but is not live until its new snapshot.
 * No message at all (the server sends a heartbeat when idle) for `silentAfterMs` means a dead
 * connection: it is closed, which starts the reconnect. A channel is live only while the
 * connection is open, it holds a snapshot-based state, and the connection spoke recently; the
 * views show everything else as stale.
 */
import type { Fold } from "./channels";

export interface FeedTiming {
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** The connection is considered dead after this long without any message. */
  readonly silentAfterMs: number;
  readonly absentRetryMs: number;
  /** [0, 1): the jitter source (Math.random in the adapter, fixed in tests). */
  readonly random: () => number;
}

export const DEFAULT_TIMING: Omit<FeedTiming, "random"> = {
  backoffInitialMs: 500,
  backoffMaxMs: 15_000,
  // The gateway's heartbeat comes every 15 s of silence (market_data.ws_heartbeat_interval_s).
  silentAfterMs: 35_000,
  absentRetryMs: 5_000,
};

export type ChannelPhase =
  /** Subscribed (or about to be): waiting for the first snapshot on this connection. */
  | "subscribing"
  | "live"
  /** A gap was seen: waiting for the snapshot asked for with `resync`. */
  | "resyncing"
  /** The market has no data on the gateway yet. */
  | "absent";

export interface ChannelState {
  readonly name: string;
  readonly fold: Fold<unknown>;
  readonly phase: ChannelPhase;
  readonly sequence: bigint | null;
  /** The last state folded; kept (stale) across gaps and reconnects until a new snapshot. */
  readonly data: unknown;
  readonly gaps: number;
  readonly absentSinceMs: number | null;
}

export type ConnectionPhase = "idle" | "connecting" | "open" | "reconnecting";

export interface FeedState {
  readonly connection: ConnectionPhase;
  /** Consecutive connections that closed before the server said anything. */
  readonly attempt: number;
  readonly lastMessageMs: number | null;
  readonly reconnects: number;
  readonly channels: ReadonlyMap<string, ChannelState>;
  readonly lastError: string | null;
  /** The access token sent in `auth` on each connection (null: public channels only). */
  readonly token: string | null;
}

export const INITIAL_STATE: FeedState = {
  connection: "idle",
  attempt: 0,
  lastMessageMs: null,
  reconnects: 0,
  channels: new Map(),
  lastError: null,
  token: null,
};

export type ServerMessage =
  | { readonly type: "snapshot"; readonly channel: string; readonly sequence: bigint; readonly data: unknown }
  | {
      readonly type: "update";
      readonly channel: string;
      readonly previous: bigint;
      readonly sequence: bigint;
      readonly data: unknown;
      /** What changed, on the `user` channel (`order`, `fill`, `settlement`, `mint`, `notification`). */
      readonly kind?: string;
    }
  | { readonly type: "error"; readonly code: string; readonly message: string; readonly channel?: string }
  | { readonly type: "heartbeat" | "pong" | "unsubscribed" | "authenticated"; readonly channel?: string };

export type ClientMessage =
  | { readonly op: "subscribe" | "unsubscribe" | "resync"; readonly channel: string }
  | { readonly op: "ping" }
  | { readonly op: "auth"; readonly token: string };

export type FeedEvent =
  | { readonly type: "connect"; readonly nowMs: number }
  | { readonly type: "open"; readonly nowMs: number }
  | { readonly type: "message"; readonly nowMs: number; readonly message: ServerMessage }
  | { readonly type: "close"; readonly nowMs: number }
  | { readonly type: "tick"; readonly nowMs: number }
  | { readonly type: "subscribe"; readonly channel: string; readonly fold: Fold<unknown> }
  | { readonly type: "unsubscribe"; readonly channel: string }
  | { readonly type: "authenticate"; readonly token: string | null };

export type Effect =
  | { readonly type: "open" }
  | { readonly type: "send"; readonly message: ClientMessage }
  | { readonly type: "close" }
  | { readonly type: "reconnectAfter"; readonly delayMs: number };

export interface Step {
  readonly state: FeedState;
  readonly effects: readonly Effect[];
}

export type UpdateVerdict = "apply" | "duplicate" | "gap";

/** What an update with `previous`/`sequence` means for a channel holding `held`. */
export function judgeUpdate(held: bigint, previous: bigint, sequence: bigint): UpdateVerdict {
  if (sequence <= held) return "duplicate";
  return previous === held ? "apply" : "gap";
}

/** The wait before reconnect attempt `attempt` (1, 2, …): initial × 2^(attempt−1), capped,
 * then scaled by a jitter in [0.5, 1) so many clients do not come back at once. */
export function backoffDelayMs(attempt: number, timing: FeedTiming): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const base = Math.min(timing.backoffMaxMs, timing.backoffInitialMs * 2 ** exponent);
  return Math.round(base * (0.5 + timing.random() / 2));
}

function withChannel(state: FeedState, channel: ChannelState): FeedState {
  const channels = new Map(state.channels);
  channels.set(channel.name, channel);
  return { ...state, channels };
}

function send(message: ClientMessage): Effect {
  return { type: "send", message };
}

/** Channels only an authenticated connection may hold. */
export function isPrivateChannel(channel: string): boolean {
  return channel === "user" || channel.startsWith("meter:");
}

const AUTH_REFUSED = new Set(["unauthenticated", "token_expired", "token_invalid", "session_revoked"]);

/** A private channel put back to wait for a (new) token. */
function awaitingToken(state: FeedState, channel: ChannelState | undefined): FeedState {
  return channel && isPrivateChannel(channel.name) ? withChannel(state, { ...channel, phase: "subscribing" }) : state;
}

function onMessage(state: FeedState, message: ServerMessage, nowMs: number): Step {
  // Any message proves the connection works: the next failure starts the backoff afresh.
  state = { ...state, lastMessageMs: nowMs, attempt: 0 };
  const channel = message.channel === undefined ? undefined : state.channels.get(message.channel);
  // Unasked (an unsubscribe removes the channel first): the server dropped a private channel.
  if (message.type === "unsubscribed") return { state: awaitingToken(state, channel), effects: [] };
  if (message.type !== "snapshot" && message.type !== "update" && message.type !== "error") return { state, effects: [] };
  if (message.type === "error") {
    state = { ...state, lastError: `${message.code}: ${message.message}` };
    if (channel && message.code === "market_not_found") {
      return { state: withChannel(state, { ...channel, phase: "absent", absentSinceMs: nowMs }), effects: [] };
    }
    if (AUTH_REFUSED.has(message.code)) return { state: awaitingToken(state, channel), effects: [] };
    return { state, effects: [] };
  }
  if (!channel) return { state, effects: [] }; // unsubscribed meanwhile
  if (message.type === "snapshot") {
    const data = channel.fold.load(message.data);
    return { state: withChannel(state, { ...channel, phase: "live", sequence: message.sequence, data, absentSinceMs: null }), effects: [] };
  }
  // An update before this connection's snapshot is covered by that snapshot.
  if (channel.phase !== "live" || channel.sequence === null) return { state, effects: [] };
  switch (judgeUpdate(channel.sequence, message.previous, message.sequence)) {
    case "duplicate":
      return { state, effects: [] };
    case "gap":
      return {
        state: withChannel(state, { ...channel, phase: "resyncing", gaps: channel.gaps + 1 }),
        effects: [send({ op: "resync", channel: channel.name })],
      };
    case "apply":
      return {
        state: withChannel(state, { ...channel, sequence: message.sequence, data: channel.fold.apply(channel.data, message.data, message.kind) }),
        effects: [],
      };
  }
}

function resubscribeAll(state: FeedState): Step {
  const channels = new Map<string, ChannelState>();
  const effects: Effect[] = [];
  for (const channel of state.channels.values()) {
    channels.set(channel.name, { ...channel, phase: "subscribing", absentSinceMs: null });
    effects.push(send({ op: "subscribe", channel: channel.name }));
  }
  return { state: { ...state, channels }, effects };
}

export function step(state: FeedState, event: FeedEvent, timing: FeedTiming): Step {
  switch (event.type) {
    case "connect":
      if (state.connection === "open" || state.connection === "connecting") return { state, effects: [] };
      return { state: { ...state, connection: "connecting" }, effects: [{ type: "open" }] };
    case "open": {
      const resubscribed = resubscribeAll({ ...state, connection: "open", lastMessageMs: event.nowMs });
      // The server handles a connection's messages in order: auth before the private channels.
      const auth: Effect[] = state.token === null ? [] : [send({ op: "auth", token: state.token })];
      return { state: resubscribed.state, effects: [...auth, ...resubscribed.effects] };
    }
    case "authenticate": {
      if (event.token === state.token) return { state, effects: [] };
      let next: FeedState = { ...state, token: event.token };
      if (state.connection !== "open" || event.token === null) return { state: next, effects: [] };
      const effects: Effect[] = [send({ op: "auth", token: event.token })];
      for (const channel of state.channels.values()) {
        if (!isPrivateChannel(channel.name)) continue;
        // Subscribing again answers a fresh snapshot for the (possibly other) account.
        next = withChannel(next, { ...channel, phase: "subscribing" });
        effects.push(send({ op: "subscribe", channel: channel.name }));
      }
      return { state: next, effects };
    }
    case "message":
      return onMessage(state, event.message, event.nowMs);
    case "close": {
      if (state.connection === "idle" || state.connection === "reconnecting") return { state, effects: [] };
      const attempt = state.attempt + 1;
      const channels = new Map<string, ChannelState>();
      for (const channel of state.channels.values()) channels.set(channel.name, { ...channel, phase: "subscribing" });
      return {
        state: { ...state, connection: "reconnecting", attempt, reconnects: state.reconnects + 1, channels },
        effects: [{ type: "reconnectAfter", delayMs: backoffDelayMs(attempt, timing) }],
      };
    }
    case "tick": {
      if (state.connection !== "open") return { state, effects: [] };
      if (state.lastMessageMs !== null && event.nowMs - state.lastMessageMs > timing.silentAfterMs) {
        return { state, effects: [{ type: "close" }] };
      }
      const effects: Effect[] = [];
      let next = state;
      for (const channel of state.channels.values()) {
        if (channel.phase === "absent" && channel.absentSinceMs !== null && event.nowMs - channel.absentSinceMs >= timing.absentRetryMs) {
          next = withChannel(next, { ...channel, phase: "subscribing", absentSinceMs: null });
          effects.push(send({ op: "subscribe", channel: channel.name }));
        }
      }
      return { state: next, effects };
    }
    case "subscribe": {
      const existing = state.channels.get(event.channel);
      if (existing) return { state, effects: [] };
      const channel: ChannelState = {
        name: event.channel,
        fold: event.fold,
        phase: "subscribing",
        sequence: null,
        data: null,
        gaps: 0,
        absentSinceMs: null,
      };
      const effects: Effect[] = state.connection === "open" ? [send({ op: "subscribe", channel: event.channel })] : [];
      return { state: withChannel(state, channel), effects };
    }
    case "unsubscribe": {
      if (!state.channels.has(event.channel)) return { state, effects: [] };
      const channels = new Map(state.channels);
      channels.delete(event.channel);
      const effects: Effect[] = state.connection === "open" ? [send({ op: "unsubscribe", channel: event.channel })] : [];
      return { state: { ...state, channels }, effects };
    }
  }
}

/** Whether `channel` shows current data: see the module docstring. */
export function isLive(state: FeedState, channel: string, nowMs: number, timing: Pick<FeedTiming, "silentAfterMs">): boolean {
  const held = state.channels.get(channel);
  return (
    state.connection === "open" &&
    held?.phase === "live" &&
    state.lastMessageMs !== null &&
    nowMs - state.lastMessageMs <= timing.silentAfterMs
  );
}

/** A server message from parsed JSON (integers as bigint), or null when it is none we know. */
export function asServerMessage(value: unknown): ServerMessage | null {
  if (value === null || typeof value !== "object") return null;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "snapshot":
      return typeof message.channel === "string" && typeof message.sequence === "bigint"
        ? { type: "snapshot", channel: message.channel, sequence: message.sequence, data: message.data }
        : null;
    case "update":
      return typeof message.channel === "string" && typeof message.sequence === "bigint" && typeof message.previous === "bigint"
        ? {
            type: "update",
            channel: message.channel,
            previous: message.previous,
            sequence: message.sequence,
            data: message.data,
            ...(typeof message.kind === "string" ? { kind: message.kind } : {}),
          }
        : null;
    case "error":
      return {
        type: "error",
        code: String(message.code),
        message: String(message.message),
        ...(typeof message.channel === "string" ? { channel: message.channel } : {}),
      };
    case "heartbeat":
    case "pong":
    case "authenticated":
      return { type: message.type };
    case "unsubscribed":
      return { type: "unsubscribed", ...(typeof message.channel === "string" ? { channel: message.channel } : {}) };
    default:
      return null;
  }
}
