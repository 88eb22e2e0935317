"""The operator's local faucet: SOL and local USDC for a wallet, on the platform's own node only.

Refused (``409 faucet_not_local``) unless the cluster the platform talks to
(``chain.client_rpc_url``) is the local node's URL (``chain.rpc_url``) *and* that node reports
the genesis hash of the local chain's state directory (:func:`gridtokenx.chain.faucet.fund_wallet`
checks that, and that the addresses file was bootstrapped on it). It only moves tokens: no
account, role or wallet link is read or written. The audit row is written in a transaction that
commits after the funding transactions confirmed (a refused request leaves no row).
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.chain.addresses import AddressesFileError
from gridtokenx.chain.client import ChainClientError
from gridtokenx.chain.faucet import FaucetError, fund_wallet
from gridtokenx.chain.keys import KeypairFileError
from gridtokenx.chain.local_node import NotLocalNodeError
from gridtokenx.config import Settings
from gridtokenx.gateway.audit import record_audit
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.errors import FaucetNotLocalError, FaucetRequestError
from gridtokenx.gateway.order_errors import ChainUnavailableError


@dataclass(frozen=True, slots=True, kw_only=True)
class Funded:
    wallet: str
    lamports: int
    usdc_base_units: int
    usdc_account: str | None
    signatures: tuple[str, ...]


def require_local_cluster(settings: Settings) -> None:
    chain = settings.chain
    if chain.client_rpc_url != chain.rpc_url:
        raise FaucetNotLocalError(
            f"the platform talks to {chain.client_rpc_url}, not its local node {chain.rpc_url}: "
            "the faucet only runs against the local node",
            {"rpc_url": chain.client_rpc_url, "local_rpc_url": chain.rpc_url},
        )


async def fund(
    settings: Settings,
    engine: AsyncEngine,
    actor: Principal,
    *,
    wallet: str,
    lamports: int,
    usdc_base_units: int,
    reason: str,
) -> Funded:
    require_local_cluster(settings)
    async with postgres_transaction(engine) as connection:
        try:
            receipt = await fund_wallet(
                settings,
                Pubkey.from_string(wallet),
                lamports=lamports,
                usdc_base_units=usdc_base_units,
            )
        except (NotLocalNodeError, AddressesFileError, KeypairFileError) as exc:
            # Another chain, or no bootstrapped local chain (addresses file, faucet key) here.
            raise FaucetNotLocalError(str(exc), {"rpc_url": settings.chain.client_rpc_url}) from exc
        except FaucetError as exc:
            raise FaucetRequestError(str(exc)) from exc
        except ChainClientError as exc:
            raise ChainUnavailableError(
                f"the local chain could not fund the wallet: {exc}", {"service": "chain"}
            ) from exc
        funded = Funded(
            wallet=wallet,
            lamports=receipt.lamports,
            usdc_base_units=receipt.usdc_base_units,
            usdc_account=None if receipt.usdc_account is None else str(receipt.usdc_account),
            signatures=tuple(str(signature) for signature in receipt.signatures),
        )
        await record_audit(
            connection,
            actor_user_id=actor.user_id,
            action="faucet.funded",
            target=f"wallet:{wallet}",
            reason=reason,
            details={
                "lamports": funded.lamports,
                "usdc_base_units": funded.usdc_base_units,
                "signatures": list(funded.signatures),
            },
        )
    return funded
