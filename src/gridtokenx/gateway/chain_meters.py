"""The Registry's meter accounts owned by given wallets (``getProgramAccounts`` with a memcmp
filter on the discriminator and on the owner), the authority on who owns which meter."""

from __future__ import annotations

from collections.abc import Sequence

from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.discriminator import DISCRIMINATOR_LEN
from gridtokenx.chain.anchor.errors import AnchorCodecError
from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.chain.client.rpc import MemcmpFilter, SolanaRpc
from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.config import ChainSettings
from gridtokenx.gateway.errors import UnavailableError

METER_OWNER_OFFSET = DISCRIMINATOR_LEN + 16
"""``MeterAccount.owner`` follows the discriminator and the 16-byte meter id."""


class ChainMeters:
    def __init__(self, settings: ChainSettings, registry_program: Pubkey) -> None:
        self._registry = registry_program
        self._rpc = SolanaRpc(
            settings.client_rpc_url,
            timeout_s=settings.request_timeout_s,
            commitment=settings.commitment,
        )

    async def aclose(self) -> None:
        await self._rpc.aclose()

    async def owned_by(self, owners: Sequence[str]) -> list[tuple[Pubkey, MeterAccount]]:
        """Every meter account of ``owners`` (base58 wallets) with its address; raises
        UnavailableError when the cluster does not answer."""
        found: list[tuple[Pubkey, MeterAccount]] = []
        for owner in owners:
            filters = [
                MemcmpFilter(0, MeterAccount.discriminator()),
                MemcmpFilter(METER_OWNER_OFFSET, bytes(Pubkey.from_string(owner))),
            ]
            try:
                accounts = await self._rpc.get_program_accounts(self._registry, filters)
                found += [
                    (address, MeterAccount.decode(account.data)) for address, account in accounts
                ]
            except (ChainClientError, AnchorCodecError) as exc:
                raise UnavailableError(
                    f"the chain did not answer the meter accounts of {owner}: {exc}",
                    {"service": "chain"},
                ) from exc
        return found
