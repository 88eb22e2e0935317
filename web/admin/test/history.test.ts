import { describe, expect, it } from "vitest";

import { appendSample, sparklinePath } from "../src/lib/history";

describe("appendSample", () => {
  it("keeps the newest samples up to the capacity", () => {
    let history = appendSample([], { atMs: 0, value: 1 }, 2);
    history = appendSample(history, { atMs: 1, value: 2 }, 2);
    history = appendSample(history, { atMs: 2, value: 3 }, 2);
    expect(history.map((sample) => sample.value)).toEqual([2, 3]);
  });
});

describe("sparklinePath", () => {
  it("scales between the lowest and highest value, oldest left, highest at the top", () => {
    const samples = [0, 5, 10].map((value, atMs) => ({ atMs, value }));
    expect(sparklinePath(samples, 100, 20)).toBe("M0 20L50 10L100 0");
  });

  it("starts a new segment after a gap and draws a flat line mid-height", () => {
    const samples = [4, null, 4, 4].map((value, atMs) => ({ atMs, value }));
    expect(sparklinePath(samples, 30, 10)).toBe("M0 5M20 5L30 5");
  });

  it("is empty without any value", () => {
    expect(sparklinePath([{ atMs: 0, value: null }], 10, 10)).toBe("");
  });
});
