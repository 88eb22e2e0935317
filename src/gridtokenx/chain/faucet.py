"""The local faucet: SOL from the node's genesis faucet, local USDC minted by the faucet key.

It refuses any cluster but the local node, identified by its genesis hash (see
``gridtokenx.chain.local_node``), and any addresses file bootstrapped on another chain.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.chain.addresses import ChainAddresses, load_addresses
from gridtokenx.chain.bootstrap import TOKEN_DECIMALS
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.keys import FAUCET_KEY, read_keypair
from gridtokenx.chain.local_node import NotLocalNodeError, require_local_node
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
    mint_to_checked,
)
from gridtokenx.config import Settings
from gridtokenx.errors import GridTokenXError

MAX_AIRDROP_LAMPORTS = 1_000_000 * 1_000_000_000
"""The local node's largest single airdrop (one million SOL)."""
FAUCET_FEE_RESERVE_LAMPORTS = 1_000_000_000
"""The faucet key pays for token accounts and fees; it is topped up below this."""
FAUCET_TOP_UP_LAMPORTS = 100 * 1_000_000_000


class FaucetError(GridTokenXError):
    """A faucet request that cannot be served (amounts out of range)."""


@dataclass(frozen=True)
class FaucetReceipt:
    wallet: Pubkey
    lamports: int
    usdc_base_units: int
    usdc_account: Pubkey | None
    """The wallet's associated USDC account (None when no USDC was asked for)."""
    signatures: tuple[Signature, ...]


class LocalFaucet:
    def __init__(
        self, client: ChainClient, addresses: ChainAddresses, faucet: Keypair, settings: Settings
    ) -> None:
        self.client = client
        self.addresses = addresses
        self.faucet = faucet
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings, client: ChainClient) -> LocalFaucet:
        """The faucet of the local chain in ``settings`` (addresses file and faucet key)."""
        addresses = load_addresses(settings.chain_addresses_file)
        faucet = read_keypair(settings.chain_keys_dir / f"{FAUCET_KEY}.json")
        return cls(client, addresses, faucet, settings)

    async def _require_local(self) -> None:
        genesis = await require_local_node(
            self.client.rpc, self.settings.chain_state_dir, "run the faucet"
        )
        if not self.addresses.local or self.addresses.genesis_hash != str(genesis):
            raise NotLocalNodeError(
                f"refusing to run the faucet: the addresses file was bootstrapped on chain "
                f"{self.addresses.genesis_hash}, the local node is {genesis}; run "
                "`gridtokenx chain bootstrap` (or `gridtokenx stack up`) first"
            )
        if self.addresses.faucet != self.faucet.pubkey():
            raise NotLocalNodeError(
                f"the local USDC mint's authority is {self.addresses.faucet}, not the faucet "
                f"key {self.faucet.pubkey()}; bootstrap the local chain again"
            )

    async def fund(self, wallet: Pubkey, *, lamports: int, usdc_base_units: int) -> FaucetReceipt:
        """Airdrop ``lamports`` and mint ``usdc_base_units`` (6 decimals) of local USDC into the
        wallet's associated token account, which is created if needed."""
        if not 0 <= lamports <= MAX_AIRDROP_LAMPORTS or usdc_base_units < 0:
            raise FaucetError(
                f"amounts must be 0..{MAX_AIRDROP_LAMPORTS} lamports and at least 0 USDC base "
                f"units, got {lamports} and {usdc_base_units}"
            )
        if not lamports and not usdc_base_units:
            raise FaucetError("ask for some SOL, some USDC or both")
        await self._require_local()
        signatures: list[Signature] = []
        if lamports:
            airdrop = await self.client.rpc.request_airdrop(wallet, lamports)
            await self.client.confirm_signature(airdrop)
            signatures.append(airdrop)
        usdc_account = None
        if usdc_base_units:
            await self._top_up_faucet()
            quote_mint = self.addresses.quote_mint
            usdc_account = associated_token_address(wallet, quote_mint)
            confirmation = await self.client.send_and_confirm(
                [
                    create_associated_token_account_idempotent(
                        self.faucet.pubkey(), wallet, quote_mint
                    ),
                    mint_to_checked(
                        quote_mint,
                        usdc_account,
                        self.faucet.pubkey(),
                        usdc_base_units,
                        TOKEN_DECIMALS,
                    ),
                ],
                [],
                self.faucet,
            )
            signatures.append(confirmation.signature)
        return FaucetReceipt(wallet, lamports, usdc_base_units, usdc_account, tuple(signatures))

    async def _top_up_faucet(self) -> None:
        if await self.client.rpc.get_balance(self.faucet.pubkey()) >= FAUCET_FEE_RESERVE_LAMPORTS:
            return
        airdrop = await self.client.rpc.request_airdrop(
            self.faucet.pubkey(), FAUCET_TOP_UP_LAMPORTS
        )
        await self.client.confirm_signature(airdrop)


async def fund_wallet(
    settings: Settings, wallet: Pubkey, *, lamports: int, usdc_base_units: int
) -> FaucetReceipt:
    """One faucet request against the local node of ``settings`` (for the gateway and agents)."""
    async with ChainClient.from_settings(settings.chain) as client:
        faucet = LocalFaucet.from_settings(settings, client)
        return await faucet.fund(wallet, lamports=lamports, usdc_base_units=usdc_base_units)
