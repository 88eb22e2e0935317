"""The indexer's reads of the chain, over the platform's JSON-RPC client.

``getSignaturesForAddress`` pages backwards (newest first) from the head down to the cursor;
``signatures_since`` turns that into chain order (oldest first). Reads use the indexer's
commitment: ``finalized`` by default, because a signature list at ``confirmed`` may later gain a
transaction in a slot before one it already listed, which a cursor that only moves forward would
skip (on the local node both are the same: it lists durable transactions only).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from solders.pubkey import Pubkey

from gridtokenx.chain.client.rpc import Commitment, DataSizeFilter, MemcmpFilter, SolanaRpc
from gridtokenx.chain.trading.accounts import Order
from gridtokenx.indexer.mirror import decode_order_accounts

MAX_SIGNATURES_PER_PAGE = 1000
"""The most ``getSignaturesForAddress`` returns per call (agave's limit)."""


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    signature: str
    slot: int
    failed: bool
    """``err`` was set: the transaction landed (and paid its fee) but changed nothing."""


class IndexerChain:
    def __init__(self, rpc: SolanaRpc, commitment: Commitment, *, max_concurrent: int = 8) -> None:
        self._rpc = rpc
        self._commitment: Commitment = commitment
        self._limit = asyncio.Semaphore(max_concurrent)

    async def slot(self) -> int:
        result = await self._rpc.call("getSlot", [{"commitment": self._commitment}])
        return int(str(result))

    async def signatures_since(
        self, address: Pubkey, until: str | None, page_size: int
    ) -> list[SignatureInfo]:
        """Every signature of ``address`` after ``until`` (all of them when None), oldest first."""
        found: list[SignatureInfo] = []
        before: str | None = None
        while True:
            config: dict[str, object] = {"limit": page_size, "commitment": self._commitment}
            if until is not None:
                config["until"] = until
            if before is not None:
                config["before"] = before
            page = await self._rpc.call("getSignaturesForAddress", [str(address), config])
            assert isinstance(page, list)
            found += [
                SignatureInfo(
                    str(each["signature"]), int(each["slot"]), each.get("err") is not None
                )
                for each in page
            ]
            if len(page) < page_size:
                break
            before = found[-1].signature
        found.reverse()
        return found

    async def transactions(self, signatures: Sequence[str]) -> list[dict[str, object] | None]:
        """``getTransaction`` of each signature (base64), in order; None where the node has none
        at the commitment yet."""
        return list(await asyncio.gather(*(self._transaction(each) for each in signatures)))

    async def _transaction(self, signature: str) -> dict[str, object] | None:
        config = {
            "encoding": "base64",
            "commitment": self._commitment,
            "maxSupportedTransactionVersion": 0,
        }
        async with self._limit:
            result = await self._rpc.call("getTransaction", [signature, config])
        return result if isinstance(result, dict) else None

    async def orders(self, addresses: Sequence[str]) -> dict[str, Order]:
        """The order accounts among ``addresses`` that exist (closed ones are left out)."""
        keys = [Pubkey.from_string(each) for each in addresses]
        infos = await self._rpc.get_multiple_accounts(keys, self._commitment)
        return decode_order_accounts(
            (key, info.data) for key, info in zip(keys, infos, strict=True) if info is not None
        )

    async def program_orders(self, program: Pubkey) -> dict[str, Order]:
        """Every order account of the program (all markets)."""
        found = await self._rpc.get_program_accounts(
            program,
            [DataSizeFilter(Order.size()), MemcmpFilter(0, Order.discriminator())],
            self._commitment,
        )
        return decode_order_accounts((key, info.data) for key, info in found)
