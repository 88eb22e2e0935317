/** Where a feed's PriceUpdateV2 is, as src/gridtokenx/oracle/config.py `price_account` decides. */
import { PublicKey } from "@solana/web3.js";

import { PYTH_PUSH_ORACLE_PROGRAM_ID, PYTH_RECEIVER_PROGRAM_ID, priceFeedAddress } from "../chain/accounts";
import type { ChainAddresses, OracleConfig } from "../config/runtime";

/**
 * An explicit setting wins; on the chain the addresses file describes, the account bootstrap
 * recorded (else the local receiver's PDA); on any other cluster, Pyth's push feed.
 */
export function priceAccount(
  feedIdHex: string,
  oracle: OracleConfig,
  addresses: ChainAddresses | null,
): PublicKey {
  const explicit = oracle.priceAccounts[feedIdHex];
  if (explicit) return new PublicKey(explicit);
  if (addresses?.local) {
    const recorded = addresses.price_feeds[feedIdHex];
    return recorded ? new PublicKey(recorded) : priceFeedAddress(PYTH_RECEIVER_PROGRAM_ID, feedIdHex, oracle.shardId);
  }
  return priceFeedAddress(PYTH_PUSH_ORACLE_PROGRAM_ID, feedIdHex, oracle.shardId);
}
