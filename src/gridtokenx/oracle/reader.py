"""Reading USDC → local-currency quotes from PriceUpdateV2 accounts over JSON-RPC.

One ``getMultipleAccounts`` fetches the Clock sysvar and both price accounts at the same slot, so
"stale" is judged against the cluster's own clock, not this machine's. The same code reads the
local node (the local receiver at Pyth's program id) and devnet or mainnet-beta (Pyth's).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from solders.pubkey import Pubkey
from solders.sysvar import CLOCK

from gridtokenx.chain.client.rpc import AccountInfo, SolanaRpc
from gridtokenx.oracle.config import Feed, OracleConfig
from gridtokenx.oracle.errors import PriceAccountMissingError
from gridtokenx.oracle.feeds import RECEIVER_PROGRAM_ID
from gridtokenx.oracle.quotes import FeedPrice, UsdcQuote, assess, check_price_account

_CLOCK_UNIX_TIMESTAMP = struct.Struct("<q")
_CLOCK_UNIX_TIMESTAMP_OFFSET = 32
"""Clock: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64,
unix_timestamp i64."""


def clock_unix_timestamp(clock: AccountInfo | None) -> int:
    if clock is None or len(clock.data) < _CLOCK_UNIX_TIMESTAMP_OFFSET + 8:
        raise PriceAccountMissingError("the cluster answered no Clock sysvar account")
    (unix_timestamp,) = _CLOCK_UNIX_TIMESTAMP.unpack_from(clock.data, _CLOCK_UNIX_TIMESTAMP_OFFSET)
    return int(unix_timestamp)


@dataclass(frozen=True)
class PriceReader:
    rpc: SolanaRpc
    config: OracleConfig
    usdc_usd_account: Pubkey
    fx_account: Pubkey
    receiver: Pubkey = RECEIVER_PROGRAM_ID

    async def read_quote(self) -> UsdcQuote:
        """Both prices with their flags; raises a PriceAccountError if an account is missing
        or is not a receiver-owned PriceUpdateV2 of its feed."""
        clock, usdc, fx = await self.rpc.get_multiple_accounts(
            [CLOCK, self.usdc_usd_account, self.fx_account]
        )
        cluster_time = clock_unix_timestamp(clock)
        return UsdcQuote(
            self.config.currency,
            self._feed_price(self.config.usdc_usd, self.usdc_usd_account, usdc, cluster_time),
            self._feed_price(self.config.fx, self.fx_account, fx, cluster_time),
        )

    def _feed_price(
        self, feed: Feed, address: Pubkey, account: AccountInfo | None, cluster_time: int
    ) -> FeedPrice:
        if account is None:
            raise PriceAccountMissingError(
                f"no {feed.name} price account at {address} on {self.rpc.url}: on the local node "
                "the node must have loaded build/programs/pyth_local.so at start (`make "
                "programs`, then restart chain-node) and been bootstrapped (`gridtokenx chain "
                "bootstrap`); elsewhere the feed is not pushed on this cluster, so set "
                "GRIDTOKENX_ORACLE__PRICE_ACCOUNTS to an account that is"
            )
        update = check_price_account(
            account.owner,
            account.data,
            receiver=self.receiver,
            feed_id=feed.feed_id,
            address=address,
        )
        return assess(feed.name, address, update, cluster_time, self.config.policy)
