import { describe, expect, it } from "vitest";

import { isoInstant, positiveInteger, queryString } from "../src/lib/query";

describe("queryString", () => {
  it("leaves out unset values and encodes the rest", () => {
    expect(queryString({ action: "user.*", target: "", actor: null, limit: 50, active: false, cursor: undefined })).toBe("?action=user.*&limit=50&active=false");
    expect(queryString({ email: "a+b@x" })).toBe("?email=a%2Bb%40x");
    expect(queryString({})).toBe("");
  });
});

describe("isoInstant", () => {
  it("turns a datetime-local value into an ISO instant and refuses nonsense", () => {
    expect(isoInstant("2026-11-23T20:00")).toBe(new Date(2026, 10, 23, 20, 0).toISOString());
    expect(isoInstant("")).toBe("");
    expect(isoInstant("yesterday")).toBe("");
  });
});

describe("positiveInteger", () => {
  it("reads whole positive base units up to PostgreSQL's bigint", () => {
    expect(positiveInteger(" 1000 ")).toBe(1000n);
    expect(positiveInteger("9223372036854775807")).toBe(9_223_372_036_854_775_807n);
    expect(positiveInteger("9223372036854775808")).toBeNull();
    for (const text of ["0", "-1", "1.5", "1e3", "", "01"]) expect(positiveInteger(text)).toBeNull();
  });
});
