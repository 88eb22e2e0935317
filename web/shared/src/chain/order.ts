/**
 * The Trading program's `Order` account (160 bytes, docs/onchain.md):
 * 0 disc · 8 market · 40 owner · 72 order_id u64 · 80 price u64 · 88 quantity u64 · 96 filled u64 ·
 * 104 escrow u64 · 112 claimable_energy u64 · 120 claimable_quote u64 · 128 expiry i64 ·
 * 136 created_at i64 · 144 side u8 (0 buy, 1 sell) · 145 bump u8 ·
 * 146 time_in_force u8 (0 GTC, 1 IOC, 2 post-only) · 147 reserved[13].
 *
 * `place_order`'s arguments end with the same `time_in_force` byte (`encodeTimeInForce`); the
 * program still takes the older arguments without it as a GTC order.
 */
import { PublicKey } from "@solana/web3.js";

import { equalBytes, readI64, readU64 } from "./bytes";
import { accountDiscriminator } from "./discriminator";

export const ORDER_DISCRIMINATOR = accountDiscriminator("Order");
export const ORDER_LEN = 160;
export const ORDER_MARKET_OFFSET = 8;
export const ORDER_OWNER_OFFSET = 40;

export type OrderSide = "buy" | "sell";

/** How long an order's unfilled part lives; the gateway's `time_in_force` names. */
export type TimeInForce = "gtc" | "ioc" | "post_only";

/** The byte the Trading program stores (and `place_order` takes) for each time in force. */
export const TIME_IN_FORCE_CODES: Readonly<Record<TimeInForce, number>> = { gtc: 0, ioc: 1, post_only: 2 };

export const TIME_IN_FORCE_LABELS: Readonly<Record<TimeInForce, string>> = {
  gtc: "Good till cancelled",
  ioc: "Immediate or cancel",
  post_only: "Post-only",
};

export const ORDER_TIME_IN_FORCE_OFFSET = 146;

export function encodeTimeInForce(value: TimeInForce): number {
  return TIME_IN_FORCE_CODES[value];
}

export function decodeTimeInForce(code: number): TimeInForce {
  const found = (Object.keys(TIME_IN_FORCE_CODES) as TimeInForce[]).find((name) => TIME_IN_FORCE_CODES[name] === code);
  if (found === undefined) {
    throw new OrderDecodeError(`time in force ${String(code)} is not 0 (GTC), 1 (IOC) or 2 (post-only)`);
  }
  return found;
}

export interface OrderAccount {
  readonly address: string;
  readonly market: string;
  readonly owner: string;
  readonly orderId: bigint;
  /** USDC base units per kWh. */
  readonly price: bigint;
  /** GXT base units. */
  readonly quantity: bigint;
  readonly filled: bigint;
  /** Still locked: GXT for a sell, USDC for a buy. */
  readonly escrow: bigint;
  readonly claimableEnergy: bigint;
  readonly claimableQuote: bigint;
  /** Unix seconds, 0 = none. */
  readonly expiry: bigint;
  readonly createdAt: bigint;
  readonly side: OrderSide;
  readonly timeInForce: TimeInForce;
}

export class OrderDecodeError extends Error {
  override name = "OrderDecodeError";
}

export function decodeOrder(address: string, data: Uint8Array): OrderAccount {
  if (data.length !== ORDER_LEN) {
    throw new OrderDecodeError(`order ${address}: ${data.length} bytes, expected ${ORDER_LEN}`);
  }
  if (!equalBytes(data.slice(0, 8), ORDER_DISCRIMINATOR)) {
    throw new OrderDecodeError(`account ${address} is not a Trading Order (wrong discriminator)`);
  }
  const side = data[144];
  if (side !== 0 && side !== 1) {
    throw new OrderDecodeError(`order ${address}: side ${String(side)} is neither 0 nor 1`);
  }
  return {
    address,
    market: new PublicKey(data.slice(8, 40)).toBase58(),
    owner: new PublicKey(data.slice(40, 72)).toBase58(),
    orderId: readU64(data, 72),
    price: readU64(data, 80),
    quantity: readU64(data, 88),
    filled: readU64(data, 96),
    escrow: readU64(data, 104),
    claimableEnergy: readU64(data, 112),
    claimableQuote: readU64(data, 120),
    expiry: readI64(data, 128),
    createdAt: readI64(data, 136),
    side: side === 0 ? "buy" : "sell",
    timeInForce: decodeTimeInForce(data[ORDER_TIME_IN_FORCE_OFFSET] ?? 0),
  };
}

/** An order is expired when `expiry ≠ 0` and the cluster clock has reached it. */
export function isExpired(order: OrderAccount, clusterTimeS: bigint): boolean {
  return order.expiry !== 0n && clusterTimeS >= order.expiry;
}
