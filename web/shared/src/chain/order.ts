/**
 * The Trading program's `Order` account (160 bytes, docs/onchain.md):
 * 0 disc · 8 market · 40 owner · 72 order_id u64 · 80 price u64 · 88 quantity u64 · 96 filled u64 ·
 * 104 escrow u64 · 112 claimable_energy u64 · 120 claimable_quote u64 · 128 expiry i64 ·
 * 136 created_at i64 · 144 side u8 (0 buy, 1 sell) · 145 bump u8 · 146 reserved[14].
 */
import { PublicKey } from "@solana/web3.js";

import { equalBytes, readI64, readU64 } from "./bytes";
import { accountDiscriminator } from "./discriminator";

export const ORDER_DISCRIMINATOR = accountDiscriminator("Order");
export const ORDER_LEN = 160;
export const ORDER_MARKET_OFFSET = 8;
export const ORDER_OWNER_OFFSET = 40;

export type OrderSide = "buy" | "sell";

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
  };
}

/** An order is expired when `expiry ≠ 0` and the cluster clock has reached it. */
export function isExpired(order: OrderAccount, clusterTimeS: bigint): boolean {
  return order.expiry !== 0n && clusterTimeS >= order.expiry;
}
