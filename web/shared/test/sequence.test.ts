import { describe, expect, it } from "vitest";

import { bookFold, bookLadder, candlesFold, channelName, depthCurve, statsFold, tradesFold, type Book } from "../src/market/channels";
import { parseJsonWithBigints } from "../src/market/json";
import {
  INITIAL_STATE,
  asServerMessage,
  backoffDelayMs,
  isLive,
  judgeUpdate,
  step,
  type Effect,
  type FeedEvent,
  type FeedState,
  type FeedTiming,
  type ServerMessage,
} from "../src/market/sequence";

const TIMING: FeedTiming = { backoffInitialMs: 500, backoffMaxMs: 8_000, silentAfterMs: 30_000, absentRetryMs: 5_000, random: () => 0.5 };
const MARKET = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const BOOK = channelName.book(MARKET);

function run(events: readonly FeedEvent[], start: FeedState = INITIAL_STATE): { state: FeedState; effects: Effect[] } {
  let state = start;
  const effects: Effect[] = [];
  for (const event of events) {
    const result = step(state, event, TIMING);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

const message = (nowMs: number, body: ServerMessage): FeedEvent => ({ type: "message", nowMs, message: body });
const level = (side: string, price: bigint, quantity: bigint, orderCount = 1n) => ({ side, price, quantity, order_count: orderCount });
const snapshot = (sequence: bigint, bids: ReturnType<typeof level>[] = [], asks: ReturnType<typeof level>[] = []): ServerMessage => ({
  type: "snapshot",
  channel: BOOK,
  sequence,
  data: { bids, asks, complete: true },
});
const update = (previous: bigint, sequence: bigint, levels: ReturnType<typeof level>[]): ServerMessage => ({
  type: "update",
  channel: BOOK,
  previous,
  sequence,
  data: { levels, complete: true },
});

/** Connected, subscribed to the book and holding a snapshot at sequence 10. */
function liveBook(): FeedState {
  return run([
    { type: "subscribe", channel: BOOK, fold: bookFold as never },
    { type: "connect", nowMs: 0 },
    { type: "open", nowMs: 1 },
    message(2, snapshot(10n, [level("buy", 100n, 5n)], [level("sell", 110n, 3n)])),
  ]).state;
}

describe("judgeUpdate", () => {
  it("applies an update that follows the held sequence, drops old ones, flags gaps", () => {
    expect(judgeUpdate(10n, 10n, 11n)).toBe("apply");
    expect(judgeUpdate(10n, 10n, 25n)).toBe("apply"); // sequences need not be contiguous
    expect(judgeUpdate(10n, 9n, 10n)).toBe("duplicate");
    expect(judgeUpdate(10n, 3n, 7n)).toBe("duplicate");
    expect(judgeUpdate(10n, 11n, 12n)).toBe("gap");
    expect(judgeUpdate(10n, 8n, 12n)).toBe("gap");
  });
});

describe("the feed machine", () => {
  it("subscribes every channel once the socket opens, and goes live on the snapshot", () => {
    const { state, effects } = run([
      { type: "subscribe", channel: BOOK, fold: bookFold as never },
      { type: "connect", nowMs: 0 },
      { type: "open", nowMs: 1 },
    ]);
    expect(effects).toEqual([{ type: "open" }, { type: "send", message: { op: "subscribe", channel: BOOK } }]);
    expect(state.channels.get(BOOK)?.phase).toBe("subscribing");
    expect(isLive(state, BOOK, 2, TIMING)).toBe(false);

    const live = liveBook();
    expect(isLive(live, BOOK, 3, TIMING)).toBe(true);
    const book = live.channels.get(BOOK)?.data as Book;
    expect(bookLadder(book, 10)).toEqual({
      bids: [{ price: 100n, quantity: 5n, orderCount: 1n }],
      asks: [{ price: 110n, quantity: 3n, orderCount: 1n }],
    });
  });

  it("applies consecutive updates and ignores ones the snapshot already held", () => {
    const { state, effects } = run(
      [
        message(3, update(9n, 10n, [level("buy", 100n, 999n)])), // in the snapshot already
        message(4, update(10n, 12n, [level("buy", 101n, 2n)])),
        message(5, update(12n, 13n, [level("sell", 110n, 0n)])), // level gone
      ],
      liveBook(),
    );
    expect(effects).toEqual([]);
    const channel = state.channels.get(BOOK);
    expect(channel?.sequence).toBe(13n);
    expect(bookLadder(channel?.data as Book, 10)).toEqual({
      bids: [
        { price: 101n, quantity: 2n, orderCount: 1n },
        { price: 100n, quantity: 5n, orderCount: 1n },
      ],
      asks: [],
    });
  });

  it("on a gap asks for a resync, ignores updates until the snapshot, then follows it", () => {
    const gap = run([message(3, update(11n, 12n, [level("buy", 100n, 1n)]))], liveBook());
    expect(gap.effects).toEqual([{ type: "send", message: { op: "resync", channel: BOOK } }]);
    const waiting = gap.state.channels.get(BOOK);
    expect(waiting?.phase).toBe("resyncing");
    expect(waiting?.gaps).toBe(1);
    expect(waiting?.sequence).toBe(10n); // the old state stays shown, as stale
    expect(isLive(gap.state, BOOK, 4, TIMING)).toBe(false);

    const resynced = run(
      [
        message(4, update(12n, 13n, [level("buy", 100n, 7n)])), // before the snapshot: ignored
        message(5, snapshot(20n, [level("buy", 99n, 4n)])),
        message(6, update(20n, 21n, [level("sell", 120n, 1n)])),
      ],
      gap.state,
    );
    expect(resynced.effects).toEqual([]);
    const channel = resynced.state.channels.get(BOOK);
    expect(channel?.phase).toBe("live");
    expect(channel?.sequence).toBe(21n);
    expect(bookLadder(channel?.data as Book, 10)).toEqual({
      bids: [{ price: 99n, quantity: 4n, orderCount: 1n }],
      asks: [{ price: 120n, quantity: 1n, orderCount: 1n }],
    });
  });

  it("reconnects with a growing, capped backoff, keeps the data as stale and resubscribes", () => {
    const closed = run([{ type: "close", nowMs: 10 }], liveBook());
    expect(closed.state.connection).toBe("reconnecting");
    expect(closed.effects).toEqual([{ type: "reconnectAfter", delayMs: 375 }]); // 500 × (0.5 + 0.5/2)
    expect(closed.state.channels.get(BOOK)?.phase).toBe("subscribing");
    expect(closed.state.channels.get(BOOK)?.sequence).toBe(10n);
    expect(isLive(closed.state, BOOK, 11, TIMING)).toBe(false);
    // A second close of the same connection schedules nothing more.
    expect(run([{ type: "close", nowMs: 11 }], closed.state).effects).toEqual([]);

    // Connections that fail before the server says anything back off further.
    const failing = run(
      [
        { type: "connect", nowMs: 400 },
        { type: "close", nowMs: 401 },
        { type: "connect", nowMs: 1_200 },
        { type: "close", nowMs: 1_201 },
      ],
      closed.state,
    );
    expect(failing.effects).toEqual([
      { type: "open" },
      { type: "reconnectAfter", delayMs: 750 },
      { type: "open" },
      { type: "reconnectAfter", delayMs: 1_500 },
    ]);
    expect(failing.state.attempt).toBe(3);

    const back = run(
      [{ type: "connect", nowMs: 3_000 }, { type: "open", nowMs: 3_001 }, message(3_002, snapshot(30n))],
      failing.state,
    );
    expect(back.effects).toEqual([{ type: "open" }, { type: "send", message: { op: "subscribe", channel: BOOK } }]);
    expect(back.state.attempt).toBe(0);
    expect(back.state.reconnects).toBe(3);
    expect(isLive(back.state, BOOK, 3_003, TIMING)).toBe(true);
  });

  it("bounds the backoff and spreads it with jitter", () => {
    const at = (attempt: number, random: number) => backoffDelayMs(attempt, { ...TIMING, random: () => random });
    expect([1, 2, 3, 4, 5, 6, 40].map((attempt) => at(attempt, 0))).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(at(6, 0.999_999)).toBe(8_000);
  });

  it("closes a connection that stays silent, and is stale meanwhile", () => {
    const live = liveBook();
    expect(run([{ type: "tick", nowMs: 20_000 }], live).effects).toEqual([]);
    expect(isLive(live, BOOK, 30_002, TIMING)).toBe(true);
    expect(isLive(live, BOOK, 30_003, TIMING)).toBe(false);
    expect(run([{ type: "tick", nowMs: 30_003 }], live).effects).toEqual([{ type: "close" }]);
    // A heartbeat keeps it alive.
    const beat = run([message(25_000, { type: "heartbeat" }), { type: "tick", nowMs: 40_000 }], live);
    expect(beat.effects).toEqual([]);
    expect(isLive(beat.state, BOOK, 40_000, TIMING)).toBe(true);
  });

  it("asks again for a market the gateway does not know yet", () => {
    const absent = run([
      { type: "subscribe", channel: BOOK, fold: bookFold as never },
      { type: "connect", nowMs: 0 },
      { type: "open", nowMs: 1 },
      message(2, { type: "error", code: "market_not_found", message: "no market", channel: BOOK }),
    ]);
    expect(absent.state.channels.get(BOOK)?.phase).toBe("absent");
    expect(run([{ type: "tick", nowMs: 4_000 }], absent.state).effects).toEqual([]);
    const retried = run([{ type: "tick", nowMs: 5_002 }], absent.state);
    expect(retried.effects).toEqual([{ type: "send", message: { op: "subscribe", channel: BOOK } }]);
    expect(retried.state.channels.get(BOOK)?.phase).toBe("subscribing");
  });

  it("unsubscribes and ignores messages of channels it no longer holds", () => {
    const gone = run([{ type: "unsubscribe", channel: BOOK }, message(3, update(10n, 11n, []))], liveBook());
    expect(gone.effects).toEqual([{ type: "send", message: { op: "unsubscribe", channel: BOOK } }]);
    expect(gone.state.channels.size).toBe(0);
  });
});

describe("server messages from JSON", () => {
  it("reads integers as exact bigints", () => {
    const parsed = parseJsonWithBigints('{"type":"update","channel":"c","previous":9007199254740993,"sequence":9007199254740994,"data":{"x":1.5}}');
    const value = asServerMessage(parsed);
    expect(value).toMatchObject({ type: "update", sequence: 9_007_199_254_740_994n, data: { x: 1.5 } });
    expect(asServerMessage({ type: "snapshot", channel: "c", sequence: 1 })).toBeNull(); // not a bigint
    expect(asServerMessage({ type: "nonsense" })).toBeNull();
  });
});

describe("channel folds", () => {
  it("keeps the trade tape newest first and bounded", () => {
    const fold = tradesFold(3);
    const trade = (id: bigint) => ({ trade_id: id, price: 100n, quantity: 1n, taker_side: "buy", timestamp_ms: id * 1000n });
    const tape = fold.apply(fold.load({ trades: [trade(1n), trade(2n)] }), { trades: [trade(3n), trade(4n)] });
    expect(tape.map((item) => item.tradeId)).toEqual([4n, 3n, 2n]);
  });

  it("replaces a candle by open time and keeps them oldest first", () => {
    const candle = (open: bigint, close: bigint) => ({ open_time_ms: open, open: 1n, high: 2n, low: 1n, close, volume: 5n, quote_volume: 5n, trade_count: 1n });
    const candles = candlesFold.apply(candlesFold.load({ interval: "1m", candles: [candle(60_000n, 1n), candle(0n, 1n)] }), { candle: candle(60_000n, 2n) });
    expect(candles.map((item) => [item.openTimeMs, item.close])).toEqual([
      [0n, 1n],
      [60_000n, 2n],
    ]);
  });

  it("accumulates depth outwards from the best price", () => {
    const book = bookFold.load({
      bids: [level("buy", 100n, 5n), level("buy", 98n, 2n)],
      asks: [level("sell", 105n, 1n), level("sell", 103n, 4n)],
      complete: true,
    });
    expect(depthCurve(book)).toEqual({
      bids: [
        { price: 100n, cumulative: 5n },
        { price: 98n, cumulative: 7n },
      ],
      asks: [
        { price: 103n, cumulative: 4n },
        { price: 105n, cumulative: 5n },
      ],
    });
  });

  it("reads statistics with nulls for a window without trades", () => {
    expect(statsFold.load({ last_price: 150_000n, open: null, volume: 0n, quote_volume: 0n, trade_count: 0n })).toMatchObject({
      lastPrice: 150_000n,
      open: null,
      volume: 0n,
    });
  });
});

describe("private channels", () => {
  const userFold = { load: (data: unknown) => ({ loaded: data, kinds: [] as string[] }), apply: (state: { kinds: string[] }, _data: unknown, kind?: string) => ({ ...state, kinds: [...state.kinds, kind ?? "-"] }) };
  const sends = (effects: readonly Effect[]) => effects.flatMap((effect) => (effect.type === "send" ? [effect.message] : []));

  it("authenticates before subscribing on every connection", () => {
    const { effects } = run([
      { type: "authenticate", token: "t1" },
      { type: "subscribe", channel: "user", fold: userFold as never },
      { type: "subscribe", channel: BOOK, fold: bookFold as never },
      { type: "connect", nowMs: 0 },
      { type: "open", nowMs: 1 },
      { type: "close", nowMs: 2 },
      { type: "connect", nowMs: 3 },
      { type: "open", nowMs: 4 },
    ]);
    const auth = { op: "auth", token: "t1" };
    expect(sends(effects)).toEqual([
      auth,
      { op: "subscribe", channel: "user" },
      { op: "subscribe", channel: BOOK },
      auth,
      { op: "subscribe", channel: "user" },
      { op: "subscribe", channel: BOOK },
    ]);
  });

  it("sends a new token at once and subscribes the private channels again", () => {
    const open = run([
      { type: "subscribe", channel: "user", fold: userFold as never },
      { type: "subscribe", channel: BOOK, fold: bookFold as never },
      { type: "connect", nowMs: 0 },
      { type: "open", nowMs: 1 },
      message(2, { type: "error", code: "unauthenticated", message: "user is private", channel: "user" }),
    ]).state;
    expect(open.channels.get("user")?.phase).toBe("subscribing");
    const { state, effects } = run([{ type: "authenticate", token: "t2" }], open);
    expect(sends(effects)).toEqual([{ op: "auth", token: "t2" }, { op: "subscribe", channel: "user" }]);
    expect(run([{ type: "authenticate", token: "t2" }], state).effects).toEqual([]);
  });

  it("passes the user channel's kind to the fold and waits for a token after expiry", () => {
    let state = run([
      { type: "authenticate", token: "t" },
      { type: "subscribe", channel: "user", fold: userFold as never },
      { type: "connect", nowMs: 0 },
      { type: "open", nowMs: 1 },
      message(2, { type: "snapshot", channel: "user", sequence: 4n, data: {} }),
    ]).state;
    const parsed = asServerMessage(parseJsonWithBigints('{"type":"update","channel":"user","previous":4,"sequence":5,"kind":"notification","data":{"id":1}}'));
    expect(parsed).toMatchObject({ type: "update", kind: "notification" });
    state = run([message(3, parsed as ServerMessage)], state).state;
    expect((state.channels.get("user")?.data as { kinds: string[] }).kinds).toEqual(["notification"]);
    expect(isLive(state, "user", 3, TIMING)).toBe(true);
    state = run(
      [
        message(4, { type: "error", code: "token_expired", message: "expired" }),
        message(4, asServerMessage({ type: "unsubscribed", channel: "user" }) as ServerMessage),
      ],
      state,
    ).state;
    expect(state.channels.get("user")?.phase).toBe("subscribing");
    expect(isLive(state, "user", 5, TIMING)).toBe(false);
  });
});
