import { describe, expect, it } from "vitest";

import { decodeInstruction, formatValue, IdlDecodeError } from "../src/lib/idl";
import { REGISTRY_IDL, TRADING_IDL } from "../src/lib/programs";

// Instruction data written by the Python encoder (gridtokenx.chain.trading / registry
// instructions), so the IDL decoding is checked against the bytes the platform really sends.
const PLACE_ORDER_HEX = "33c29baf6d82606a050000000000008001a08601000000000080841e0000000000ffffffffffffffff02";
const SETTLE_HEX = "af2ab957908366d40200000040420f0000000000c0d401000000000005000000000000000700000000000000";
const REGISTER_METER_HEX =
  "316a57488ad6e07d000102030405060708090a0b0c0d0e0f933302e7ef4311b4f2109591b8709967aae54c0cee381a2a2adad4eb3075a9ba0370110100";

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function keys(count: number) {
  return Array.from({ length: count }, (_, index) => ({ address: `key${index}`, writable: index % 2 === 0, signer: index === 2 }));
}

describe("decodeInstruction", () => {
  it("names place_order and reads its integers exactly (u64 past 2^53, negative i64)", () => {
    const decoded = decodeInstruction(TRADING_IDL, hex(PLACE_ORDER_HEX), keys(8));
    expect(decoded.program).toBe("trading");
    expect(decoded.name).toBe("place_order");
    expect(decoded.args).toEqual({ order_id: 2n ** 63n + 5n, side: 1, price: 100_000n, quantity: 2_000_000n, expiry: -1n, time_in_force: 2 });
    expect(decoded.accounts.map((account) => account.name)).toEqual([
      "market",
      "order",
      "owner",
      "source",
      "vault",
      "mint",
      "token_program",
      "system_program",
    ]);
    expect(decoded.accounts[2]).toEqual({ name: "owner", address: "key2", writable: true, signer: true });
  });

  it("reads place_order without time_in_force (the older form) as GTC, as the program does", () => {
    const decoded = decodeInstruction(TRADING_IDL, hex(PLACE_ORDER_HEX.slice(0, -2)), keys(8));
    expect(decoded.args).toEqual({ order_id: 2n ** 63n + 5n, side: 1, price: 100_000n, quantity: 2_000_000n, expiry: -1n, time_in_force: 0 });
  });

  it("reads a vec of defined structs and names the accounts past the IDL's as remaining", () => {
    const decoded = decodeInstruction(TRADING_IDL, hex(SETTLE_HEX), keys(8));
    expect(decoded.name).toBe("settle");
    expect(decoded.args.fills).toEqual([
      { quantity: 1_000_000n, price: 120_000n },
      { quantity: 5n, price: 7n },
    ]);
    expect(decoded.accounts.slice(6).map((account) => account.name)).toEqual(["remaining #0", "remaining #1"]);
  });

  it("reads byte arrays as hex, public keys as base58 and u32 zones", () => {
    const decoded = decodeInstruction(REGISTRY_IDL, hex(REGISTER_METER_HEX), keys(6));
    expect(decoded.program).toBe("registry");
    expect(decoded.name).toBe("register_meter");
    expect(decoded.args).toEqual({
      meter_id: "000102030405060708090a0b0c0d0e0f",
      device_pubkey: "Auc3gebikRn5sQEimpQeGcFH1jzhyNkxoevohrQWKMS1",
      kind: 3,
      zone: 70_000,
    });
    expect(decoded.accounts.map((account) => account.name)).toEqual(["meter", "owner", "owner_user", "config", "authority", "system_program"]);
  });

  it("refuses an unknown discriminator, a short instruction and bytes left over", () => {
    expect(() => decodeInstruction(TRADING_IDL, hex(REGISTER_METER_HEX), [])).toThrow(/is no instruction of the trading IDL/);
    expect(() => decodeInstruction(TRADING_IDL, hex("33c29baf"), [])).toThrow(IdlDecodeError);
    expect(() => decodeInstruction(TRADING_IDL, hex(PLACE_ORDER_HEX.slice(0, -4)), [])).toThrow(/expiry needs 8 bytes/);
    expect(() => decodeInstruction(TRADING_IDL, hex(`${PLACE_ORDER_HEX}00`), [])).toThrow(/1 bytes left after its args/);
  });

  it("has a distinct discriminator for every instruction of both IDLs", () => {
    const all = [...REGISTRY_IDL.instructions, ...TRADING_IDL.instructions].map((instruction) => instruction.discriminator.join(","));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("formatValue", () => {
  it("writes bigints in full and structs readably", () => {
    expect(formatValue(2n ** 64n - 1n)).toBe("18446744073709551615");
    expect(formatValue([{ quantity: 5n, price: 7n }])).toBe("[{ quantity: 5, price: 7 }]");
    expect(formatValue(null)).toBe("null");
  });
});
