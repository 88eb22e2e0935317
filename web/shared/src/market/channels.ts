/**
 * The gateway's public market-data channels (`book:`, `trades:`, `candles:<interval>`, `stats:`
 * of a market) and how each folds its snapshot and updates into client state (pure). Prices are
 * USDC base units per kWh, quantities GXT base units, times unix ms: all bigint.
 *
 * Snapshot and update data as the gateway's `feed/views.py` documents them:
 *   book     snapshot {bids, asks, complete}; update {levels: [{side, price, quantity, order_count}], complete}
 *   trades   snapshot {trades} oldest first;  update {trades} (appended)
 *   candles  snapshot {interval, candles};    update {candle} (replaces the candle of its open time)
 *   stats    the whole statistics object, both ways
 * A book level of quantity 0 is gone.
 */
import { bigintField, optionalBigintField } from "./json";

export const CANDLE_INTERVALS = ["1m", "5m", "15m", "1h", "1d"] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

export const channelName = {
  book: (market: string) => `book:${market}`,
  trades: (market: string) => `trades:${market}`,
  stats: (market: string) => `stats:${market}`,
  candles: (market: string, interval: CandleInterval) => `candles:${market}:${interval}`,
};

/** How a channel's snapshot becomes state and an update changes it (`kind`: the `user`
 * channel's kind of change; the market channels have none). */
export interface Fold<D> {
  load(data: unknown): D;
  apply(state: D, data: unknown, kind?: string): D;
}

export interface Level {
  readonly price: bigint;
  readonly quantity: bigint;
  readonly orderCount: bigint;
}

export interface Book {
  readonly bids: ReadonlyMap<bigint, Level>;
  readonly asks: ReadonlyMap<bigint, Level>;
  /** False once the feed missed a book delta: levels may be missing. */
  readonly complete: boolean;
}

function level(item: unknown): Level {
  return {
    price: bigintField(item, "price"),
    quantity: bigintField(item, "quantity"),
    orderCount: bigintField(item, "order_count"),
  };
}

function items(data: unknown, name: string): unknown[] {
  const value = (data as Record<string, unknown> | null)?.[name];
  if (!Array.isArray(value)) throw new TypeError(`field ${name} is not a list`);
  return value;
}

export const bookFold: Fold<Book> = {
  load(data) {
    const byPrice = (list: unknown[]) => new Map(list.map((item) => [bigintField(item, "price"), level(item)] as const));
    return {
      bids: byPrice(items(data, "bids")),
      asks: byPrice(items(data, "asks")),
      complete: Boolean((data as { complete?: unknown }).complete),
    };
  },
  apply(book, data) {
    const bids = new Map(book.bids);
    const asks = new Map(book.asks);
    for (const item of items(data, "levels")) {
      const side = (item as { side?: unknown }).side === "buy" ? bids : asks;
      const changed = level(item);
      if (changed.quantity === 0n) side.delete(changed.price);
      else side.set(changed.price, changed);
    }
    return { bids, asks, complete: Boolean((data as { complete?: unknown }).complete) };
  },
};

const byPriceDescending = (left: Level, right: Level) => (left.price < right.price ? 1 : left.price > right.price ? -1 : 0);

/** Bids best (highest) first and asks best (lowest) first, at most `depth` per side. */
export function bookLadder(book: Book, depth: number): { readonly bids: Level[]; readonly asks: Level[] } {
  return {
    bids: [...book.bids.values()].sort(byPriceDescending).slice(0, depth),
    asks: [...book.asks.values()].sort((left, right) => byPriceDescending(right, left)).slice(0, depth),
  };
}

export interface DepthPoint {
  readonly price: bigint;
  /** Quantity available at this price or better. */
  readonly cumulative: bigint;
}

/** Cumulative quantity per side from the best price outwards (the depth chart's steps). */
export function depthCurve(book: Book): { readonly bids: DepthPoint[]; readonly asks: DepthPoint[] } {
  const ladder = bookLadder(book, Number.MAX_SAFE_INTEGER);
  const accumulate = (levels: Level[]) => {
    let total = 0n;
    return levels.map((item) => {
      total += item.quantity;
      return { price: item.price, cumulative: total };
    });
  };
  return { bids: accumulate(ladder.bids), asks: accumulate(ladder.asks) };
}

export interface Trade {
  readonly tradeId: bigint;
  readonly price: bigint;
  readonly quantity: bigint;
  /** The side that took liquidity; null for an auction trade. */
  readonly takerSide: "buy" | "sell" | null;
  readonly timestampMs: bigint;
}

function trade(item: unknown): Trade {
  const side = (item as { taker_side?: unknown }).taker_side;
  return {
    tradeId: bigintField(item, "trade_id"),
    price: bigintField(item, "price"),
    quantity: bigintField(item, "quantity"),
    takerSide: side === "buy" || side === "sell" ? side : null,
    timestampMs: bigintField(item, "timestamp_ms"),
  };
}

/** The trade tape, newest first, at most `kept` trades. */
export function tradesFold(kept: number): Fold<readonly Trade[]> {
  return {
    load: (data) => items(data, "trades").map(trade).reverse().slice(0, kept),
    apply: (tape, data) => [...items(data, "trades").map(trade).reverse(), ...tape].slice(0, kept),
  };
}

export interface Candle {
  readonly openTimeMs: bigint;
  readonly open: bigint;
  readonly high: bigint;
  readonly low: bigint;
  readonly close: bigint;
  readonly volume: bigint;
  readonly quoteVolume: bigint;
  readonly tradeCount: bigint;
}

function candle(item: unknown): Candle {
  return {
    openTimeMs: bigintField(item, "open_time_ms"),
    open: bigintField(item, "open"),
    high: bigintField(item, "high"),
    low: bigintField(item, "low"),
    close: bigintField(item, "close"),
    volume: bigintField(item, "volume"),
    quoteVolume: bigintField(item, "quote_volume"),
    tradeCount: bigintField(item, "trade_count"),
  };
}

/** Candles oldest first, one per open time. */
export const candlesFold: Fold<readonly Candle[]> = {
  load: (data) => sortCandles(items(data, "candles").map(candle)),
  apply(candles, data) {
    const changed = candle((data as { candle?: unknown }).candle);
    return sortCandles([...candles.filter((item) => item.openTimeMs !== changed.openTimeMs), changed]);
  },
};

function sortCandles(candles: Candle[]): Candle[] {
  return candles.sort((left, right) => (left.openTimeMs < right.openTimeMs ? -1 : left.openTimeMs > right.openTimeMs ? 1 : 0));
}

export interface Stats {
  readonly windowStartMs: bigint | null;
  readonly windowEndMs: bigint | null;
  readonly lastPrice: bigint | null;
  readonly open: bigint | null;
  readonly high: bigint | null;
  readonly low: bigint | null;
  readonly close: bigint | null;
  readonly change: bigint | null;
  readonly volume: bigint;
  readonly quoteVolume: bigint;
  readonly tradeCount: bigint;
}

function stats(data: unknown): Stats {
  return {
    windowStartMs: optionalBigintField(data, "window_start_ms"),
    windowEndMs: optionalBigintField(data, "window_end_ms"),
    lastPrice: optionalBigintField(data, "last_price"),
    open: optionalBigintField(data, "open"),
    high: optionalBigintField(data, "high"),
    low: optionalBigintField(data, "low"),
    close: optionalBigintField(data, "close"),
    change: optionalBigintField(data, "change"),
    volume: optionalBigintField(data, "volume") ?? 0n,
    quoteVolume: optionalBigintField(data, "quote_volume") ?? 0n,
    tradeCount: optionalBigintField(data, "trade_count") ?? 0n,
  };
}

export const statsFold: Fold<Stats> = { load: stats, apply: (_previous, data) => stats(data) };
