/**
 * The browser side of `/v1/ws`: one WebSocket, the pure machine of `sequence.ts` deciding what to
 * do, timers for reconnects and the silence check. Views subscribe to channels with a fold and
 * read the state through `getState` / `listen` (React's useSyncExternalStore).
 */
import type { Fold } from "./channels";
import { parseJsonWithBigints } from "./json";
import {
  DEFAULT_TIMING,
  INITIAL_STATE,
  asServerMessage,
  step,
  type Effect,
  type FeedEvent,
  type FeedState,
  type FeedTiming,
} from "./sequence";

export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(text: string): void;
  close(): void;
}

export interface FeedClientOptions {
  readonly openSocket?: (url: string) => SocketLike;
  readonly now?: () => number;
  readonly timing?: Partial<FeedTiming>;
  readonly tickMs?: number;
}

/** `http(s)://host` of the gateway → `ws(s)://host/v1/ws`. */
export function feedUrl(gatewayUrl: string): string {
  const url = new URL("/v1/ws", gatewayUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class MarketFeedClient {
  readonly timing: FeedTiming;
  private state: FeedState = INITIAL_STATE;
  private socket: SocketLike | null = null;
  private readonly listeners = new Set<() => void>();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private readonly openSocket: (url: string) => SocketLike;
  private readonly now: () => number;

  constructor(
    private readonly url: string,
    private readonly options: FeedClientOptions = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, random: Math.random, ...options.timing };
    this.openSocket = options.openSocket ?? ((target) => new WebSocket(target) as unknown as SocketLike);
    this.now = options.now ?? Date.now;
  }

  getState = (): FeedState => this.state;

  listen = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    this.tickTimer ??= setInterval(() => this.dispatch({ type: "tick", nowMs: this.now() }), this.options.tickMs ?? 1_000);
    this.dispatch({ type: "connect", nowMs: this.now() });
  }

  stop(): void {
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.tickTimer = this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.state = { ...INITIAL_STATE, channels: this.state.channels, token: this.state.token };
    socket?.close();
  }

  subscribe(channel: string, fold: Fold<unknown>): void {
    this.dispatch({ type: "subscribe", channel, fold });
  }

  unsubscribe(channel: string): void {
    this.dispatch({ type: "unsubscribe", channel });
  }

  /** The access token for the private channels (sent now and on every reconnect); null: none. */
  authenticate(token: string | null): void {
    this.dispatch({ type: "authenticate", token });
  }

  private dispatch(event: FeedEvent): void {
    const { state, effects } = step(this.state, event, this.timing);
    const changed = state !== this.state;
    this.state = state;
    for (const effect of effects) this.perform(effect);
    if (changed) for (const listener of this.listeners) listener();
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case "open":
        this.connect();
        return;
      case "send":
        this.socket?.send(JSON.stringify(effect.message));
        return;
      case "close": {
        // A silent connection may never deliver its close event: stop listening to it now.
        const socket = this.socket;
        this.socket = null;
        socket?.close();
        queueMicrotask(() => this.dispatch({ type: "close", nowMs: this.now() }));
        return;
      }
      case "reconnectAfter":
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = null;
          this.dispatch({ type: "connect", nowMs: this.now() });
        }, effect.delayMs);
        return;
    }
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.openSocket(this.url);
    } catch {
      queueMicrotask(() => this.dispatch({ type: "close", nowMs: this.now() }));
      return;
    }
    this.socket = socket;
    // Events of a socket this client has replaced or stopped are ignored.
    const current = () => this.socket === socket;
    socket.onopen = () => current() && this.dispatch({ type: "open", nowMs: this.now() });
    socket.onmessage = (event) => {
      if (!current() || typeof event.data !== "string") return;
      let parsed: unknown;
      try {
        parsed = parseJsonWithBigints(event.data);
      } catch {
        return;
      }
      const message = asServerMessage(parsed);
      if (message) this.dispatch({ type: "message", nowMs: this.now(), message });
    };
    socket.onerror = () => undefined; // a close event follows
    socket.onclose = () => {
      if (!current()) return;
      this.socket = null;
      this.dispatch({ type: "close", nowMs: this.now() });
    };
  }
}
