/** Addresses and account fields the web reads directly from the chain. */
import { PublicKey } from "@solana/web3.js";

import { fromHex, readI64, readU64, requireLength } from "./bytes";

export const TOKEN_PROGRAM_ID = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
export const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
/** Pyth's Solana receiver: the owner of every PriceUpdateV2 (and of the local stand-in's). */
export const PYTH_RECEIVER_PROGRAM_ID = new PublicKey("rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ");
/** Pyth's push oracle: sponsored feeds live at its PDA `[shard u16 LE, feed_id]`. */
export const PYTH_PUSH_ORACLE_PROGRAM_ID = new PublicKey("pythWSnswVUd12oZpeFP8e9CVaEqJg25g1Vtc2biRsT");

const TOKEN_ACCOUNT_LEN = 165;
const TOKEN_AMOUNT_OFFSET = 64;
const CLOCK_UNIX_TIMESTAMP_OFFSET = 32;

export function associatedTokenAddress(owner: PublicKey, mint: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), TOKEN_PROGRAM_ID.toBuffer(), mint.toBuffer()],
    ASSOCIATED_TOKEN_PROGRAM_ID,
  )[0];
}

/** An SPL token account's `amount` (u64 at offset 64). */
export function tokenAccountAmount(data: Uint8Array): bigint {
  requireLength(data, TOKEN_ACCOUNT_LEN, "an SPL token account");
  return readU64(data, TOKEN_AMOUNT_OFFSET);
}

/** The Clock sysvar's `unix_timestamp` (after slot, epoch_start_timestamp, epoch, leader epoch). */
export function clockUnixTimestamp(data: Uint8Array): bigint {
  requireLength(data, CLOCK_UNIX_TIMESTAMP_OFFSET + 8, "the Clock sysvar");
  return readI64(data, CLOCK_UNIX_TIMESTAMP_OFFSET);
}

export function priceFeedAddress(programId: PublicKey, feedIdHex: string, shardId = 0): PublicKey {
  const shard = new Uint8Array([shardId & 0xff, (shardId >> 8) & 0xff]);
  return PublicKey.findProgramAddressSync([shard, fromHex(feedIdHex)], programId)[0];
}
