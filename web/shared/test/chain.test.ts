import { Keypair, PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";

import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  PYTH_PUSH_ORACLE_PROGRAM_ID,
  associatedTokenAddress,
  clockUnixTimestamp,
  priceFeedAddress,
  tokenAccountAmount,
} from "../src/chain/accounts";
import { fromHex, toHex } from "../src/chain/bytes";
import {
  ORDER_DISCRIMINATOR,
  ORDER_LEN,
  OrderDecodeError,
  TIME_IN_FORCE_CODES,
  decodeOrder,
  decodeTimeInForce,
  encodeTimeInForce,
  isExpired,
  type TimeInForce,
} from "../src/chain/order";

function orderBytes(side: number, market: PublicKey, owner: PublicKey, timeInForce = 0): Uint8Array {
  const data = new Uint8Array(ORDER_LEN);
  const view = new DataView(data.buffer);
  data.set(ORDER_DISCRIMINATOR, 0);
  data.set(market.toBytes(), 8);
  data.set(owner.toBytes(), 40);
  [7n, 150_000n, 2_000_000n, 500_000n, 300_075n, 1n, 2n, 1_800_000_000n, 1_700_000_000n].forEach((value, index) => {
    if (index < 7) view.setBigUint64(72 + index * 8, value, true);
    else view.setBigInt64(72 + index * 8, value, true);
  });
  data[144] = side;
  data[146] = timeInForce;
  return data;
}

describe("Order accounts", () => {
  const market = Keypair.generate().publicKey;
  const owner = Keypair.generate().publicKey;

  it("has Anchor's discriminator", () => {
    expect(toHex(ORDER_DISCRIMINATOR)).toBe("86addfb94d561c33");
  });

  it("decodes every field at its documented offset", () => {
    const order = decodeOrder("addr", orderBytes(0, market, owner));
    expect(order).toEqual({
      address: "addr",
      market: market.toBase58(),
      owner: owner.toBase58(),
      orderId: 7n,
      price: 150_000n,
      quantity: 2_000_000n,
      filled: 500_000n,
      escrow: 300_075n,
      claimableEnergy: 1n,
      claimableQuote: 2n,
      expiry: 1_800_000_000n,
      createdAt: 1_700_000_000n,
      side: "buy",
      timeInForce: "gtc",
    });
    expect(decodeOrder("addr", orderBytes(1, market, owner)).side).toBe("sell");
  });

  it("refuses wrong sizes, discriminators and sides", () => {
    expect(() => decodeOrder("a", new Uint8Array(159))).toThrow(OrderDecodeError);
    const foreign = orderBytes(0, market, owner);
    foreign[3] = (foreign[3] ?? 0) ^ 0xff;
    expect(() => decodeOrder("a", foreign)).toThrow(OrderDecodeError);
    expect(() => decodeOrder("a", orderBytes(2, market, owner))).toThrow(OrderDecodeError);
  });

  it("decodes the time in force at offset 146 and refuses unknown values", () => {
    const names: TimeInForce[] = ["gtc", "ioc", "post_only"];
    names.forEach((name, code) => {
      expect(decodeOrder("a", orderBytes(1, market, owner, code)).timeInForce).toBe(name);
    });
    expect(() => decodeOrder("a", orderBytes(1, market, owner, 3))).toThrow(OrderDecodeError);
  });

  it("encodes the time in force as the program's byte and back", () => {
    expect(TIME_IN_FORCE_CODES).toEqual({ gtc: 0, ioc: 1, post_only: 2 });
    for (const name of ["gtc", "ioc", "post_only"] as const) {
      expect(decodeTimeInForce(encodeTimeInForce(name))).toBe(name);
    }
    expect(() => decodeTimeInForce(255)).toThrow(OrderDecodeError);
  });

  it("is expired from its expiry on, never with expiry 0", () => {
    const order = decodeOrder("a", orderBytes(0, market, owner));
    expect(isExpired(order, 1_799_999_999n)).toBe(false);
    expect(isExpired(order, 1_800_000_000n)).toBe(true);
    expect(isExpired({ ...order, expiry: 0n }, 9_999_999_999n)).toBe(false);
  });
});

describe("accounts", () => {
  it("derives associated token accounts as the ATA program does", () => {
    const owner = new PublicKey("11111111111111111111111111111112");
    const mint = new PublicKey("So11111111111111111111111111111111111111112");
    const address = associatedTokenAddress(owner, mint);
    expect(PublicKey.isOnCurve(address.toBytes())).toBe(false);
    expect(ASSOCIATED_TOKEN_PROGRAM_ID.toBase58()).toBe("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
  });

  it("finds Pyth's mainnet USDC/USD push feed (shard 0)", () => {
    const feed = "eaa020c61cc479712813461ce153894a96a6c00b21ed0cfc2798d1f9a9e9c94a";
    expect(priceFeedAddress(PYTH_PUSH_ORACLE_PROGRAM_ID, feed).toBase58()).toBe("Dpw1EAVrSB1ibxiDQyTAW6Zip3J4Btk2x4SgApQCeFbX");
  });

  it("reads token amounts and the clock", () => {
    const token = new Uint8Array(165);
    new DataView(token.buffer).setBigUint64(64, 123_456n, true);
    expect(tokenAccountAmount(token)).toBe(123_456n);
    expect(() => tokenAccountAmount(new Uint8Array(64))).toThrow(RangeError);
    const clock = new Uint8Array(40);
    new DataView(clock.buffer).setBigInt64(32, 1_763_000_000n, true);
    expect(clockUnixTimestamp(clock)).toBe(1_763_000_000n);
  });

  it("round-trips hex and refuses non-hex", () => {
    expect(toHex(fromHex("0x00ff10"))).toBe("00ff10");
    expect(() => fromHex("abc")).toThrow(SyntaxError);
    expect(() => fromHex("zz")).toThrow(SyntaxError);
  });
});
