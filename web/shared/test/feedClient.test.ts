import { afterEach, describe, expect, it, vi } from "vitest";

import { bookFold, channelName } from "../src/market/channels";
import { MarketFeedClient, feedUrl, type SocketLike } from "../src/market/feedClient";
import { isLive } from "../src/market/sequence";

const MARKET = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const BOOK = channelName.book(MARKET);

/** An in-memory socket: records what the client sends, lets the test play the server. */
class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  sent: unknown[] = [];
  closed = false;
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.closed = true;
  }
  serve(text: string) {
    this.onmessage?.({ data: text });
  }
}

afterEach(() => vi.useRealTimers());

describe("feedUrl", () => {
  it("turns the gateway's URL into its WebSocket URL", () => {
    expect(feedUrl("http://127.0.0.1:8080")).toBe("ws://127.0.0.1:8080/v1/ws");
    expect(feedUrl("https://gateway.example/")).toBe("wss://gateway.example/v1/ws");
  });
});

describe("MarketFeedClient", () => {
  it("subscribes, resyncs after a gap and reconnects after a close", () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const client = new MarketFeedClient("ws://gateway/v1/ws", {
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      now: () => Date.now(),
      timing: { random: () => 0 },
    });
    let notified = 0;
    client.listen(() => (notified += 1));
    client.subscribe(BOOK, bookFold as never);
    client.start();
    expect(sockets).toHaveLength(1);
    const first = sockets[0]!;
    first.onopen?.({});
    expect(first.sent).toEqual([{ op: "subscribe", channel: BOOK }]);
    first.serve(`{"type":"snapshot","channel":"${BOOK}","sequence":5,"data":{"bids":[],"asks":[],"complete":true}}`);
    expect(isLive(client.getState(), BOOK, Date.now(), client.timing)).toBe(true);
    first.serve(`{"type":"update","channel":"${BOOK}","previous":6,"sequence":7,"data":{"levels":[],"complete":true}}`);
    expect(first.sent).toEqual([
      { op: "subscribe", channel: BOOK },
      { op: "resync", channel: BOOK },
    ]);
    expect(client.getState().channels.get(BOOK)?.phase).toBe("resyncing");

    first.onclose?.({});
    expect(client.getState().connection).toBe("reconnecting");
    vi.advanceTimersByTime(249);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1); // 500 ms × 0.5 jitter
    expect(sockets).toHaveLength(2);
    sockets[1]!.onopen?.({});
    expect(sockets[1]!.sent).toEqual([{ op: "subscribe", channel: BOOK }]);
    // Events of the replaced socket change nothing.
    first.serve(`{"type":"snapshot","channel":"${BOOK}","sequence":99,"data":{"bids":[],"asks":[],"complete":true}}`);
    expect(client.getState().channels.get(BOOK)?.sequence).toBe(5n);
    expect(notified).toBeGreaterThan(0);
    client.stop();
    expect(sockets[1]!.closed).toBe(true);
  });

  it("closes a silent connection itself and reconnects", async () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const client = new MarketFeedClient("ws://gateway/v1/ws", {
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      now: () => Date.now(),
      timing: { random: () => 0, silentAfterMs: 3_000 },
      tickMs: 1_000,
    });
    client.start();
    sockets[0]!.onopen?.({});
    vi.advanceTimersByTime(4_000);
    await Promise.resolve();
    expect(sockets[0]!.closed).toBe(true);
    expect(client.getState().connection).toBe("reconnecting");
    vi.advanceTimersByTime(250);
    expect(sockets).toHaveLength(2);
    client.stop();
  });
});
