"""The local node's price accounts: created once by bootstrap, kept fresh by the publisher.

On the local node the receiver's program id runs ``programs/pyth_local`` (loaded at genesis, see
``gridtokenx.chain.node.genesis_programs``), which keeps each feed's PriceUpdateV2 at the PDA
``[shard_id u16 LE, feed_id]`` of that id, written only by the account's write authority.
"""

from __future__ import annotations

from collections.abc import Sequence

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.oracle.errors import OracleError, PriceAccountError
from gridtokenx.oracle.feeds import RECEIVER_PROGRAM_ID, price_feed_address
from gridtokenx.oracle.price_update import PriceUpdate, decode_price_update
from gridtokenx.oracle.program.errors import decode_pyth_local_error
from gridtokenx.oracle.program.instructions import InitPriceFeed

FEEDS_PER_TRANSACTION = 4


class LocalReceiverMissingError(OracleError):
    """The local node has no program at the Pyth receiver's id (it is loaded at node start)."""


class PriceFeedTakenError(OracleError):
    """A local price account exists with another write authority."""


async def read_local_feeds(
    client: ChainClient, authority: Pubkey, addresses: dict[bytes, Pubkey]
) -> dict[bytes, PriceUpdate | None]:
    """Each feed's current update (None where the account does not exist yet)."""
    accounts = await client.rpc.get_multiple_accounts(list(addresses.values()))
    found: dict[bytes, PriceUpdate | None] = {}
    for (feed_id, address), account in zip(addresses.items(), accounts, strict=True):
        if account is None:
            found[feed_id] = None
            continue
        try:
            if account.owner != RECEIVER_PROGRAM_ID:
                raise PriceAccountError(f"owned by {account.owner}")
            update = decode_price_update(account.data)
        except PriceAccountError as exc:
            raise PriceFeedTakenError(
                f"{address} (feed {feed_id.hex()}) is not a local price account ({exc}); the "
                "local chain holds something else there: reset it"
            ) from exc
        if update.write_authority != authority:
            raise PriceFeedTakenError(
                f"the price account {address} of feed {feed_id.hex()} is written by "
                f"{update.write_authority}, not {authority}; point "
                "GRIDTOKENX_ORACLE__WRITE_AUTHORITY_KEYPAIR_FILE at that keypair"
            )
        found[feed_id] = update
    return found


async def ensure_local_price_feeds(
    client: ChainClient, authority: Keypair, feed_ids: Sequence[bytes], shard_id: int = 0
) -> tuple[dict[bytes, Pubkey], list[str]]:
    """The feeds' addresses, creating missing accounts; also what was done (for reports)."""
    program = await client.rpc.get_account_info(RECEIVER_PROGRAM_ID)
    if program is None or not program.executable:
        raise LocalReceiverMissingError(
            f"the local node has no program at the Pyth receiver's id {RECEIVER_PROGRAM_ID}: "
            "build it (`make programs`) and restart the node (`gridtokenx stack down chain-node "
            "&& gridtokenx stack up`), which loads build/programs/pyth_local.so at start"
        )
    client.add_decoders({RECEIVER_PROGRAM_ID: decode_pyth_local_error})
    addresses = {
        feed_id: price_feed_address(RECEIVER_PROGRAM_ID, feed_id, shard_id) for feed_id in feed_ids
    }
    current = await read_local_feeds(client, authority.pubkey(), addresses)
    missing: list[Instruction] = [
        InitPriceFeed(shard_id, feed_id).instruction(
            RECEIVER_PROGRAM_ID,
            {
                "price_feed": addresses[feed_id],
                "write_authority": authority.pubkey(),
                "payer": authority.pubkey(),
            },
        )
        for feed_id, update in current.items()
        if update is None
    ]
    for start in range(0, len(missing), FEEDS_PER_TRANSACTION):
        await client.send_and_confirm(missing[start : start + FEEDS_PER_TRANSACTION], [], authority)
    actions = [f"created {len(missing)} local Pyth price accounts"] if missing else []
    return addresses, actions
