"""The order routes' adapter to the cluster: balances, order accounts, blockhashes, relaying.

One :class:`ChainClient` per worker (JSON-RPC pool and PubSub confirmations). The bootstrapped
chain's addresses (``chain_addresses_file``) are read at first use, so the gateway starts before
the chain is bootstrapped; until then these routes answer 503 ``chain_unavailable``. Every
failure to reach the cluster becomes that error too; a program's refusal becomes
``transaction_rejected`` naming the error.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from solders.hash import Hash
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.addresses import AddressesFileError, ChainAddresses, load_addresses
from gridtokenx.chain.anchor.program_errors import ProgramFailedError, pascal_case
from gridtokenx.chain.client import (
    BlockhashExpiredError,
    ChainClient,
    ChainClientError,
    ChainRpcError,
    ChainTransportError,
    ConfirmationTimeoutError,
    PreflightFailedError,
    TransactionFailedError,
)
from gridtokenx.chain.client.program_errors import decode_failure, instruction_program_ids
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.chain.trading.accounts import Order
from gridtokenx.config import Settings
from gridtokenx.gateway.order_errors import ChainUnavailableError, TransactionRejectedError
from gridtokenx.gateway.order_rules import Holdings

T = TypeVar("T")
BLOCKHASH_REUSE_S = 1.0
TOKEN_ACCOUNTS_CACHED = 65_536
"""Associated token addresses kept (pure functions of wallet and mint: never stale)."""
_TOKEN_AMOUNT = slice(64, 72)
"""An SPL token account's amount (u64 LE) lies after its mint and owner."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Blockhash:
    blockhash: Hash
    last_valid_block_height: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Relayed:
    signature: Signature
    slot: int | None
    """Set when the caller waited for the confirmation."""


class OrderChain:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.client = ChainClient.from_settings(settings.chain)
        self._addresses: ChainAddresses | None = None
        self._order_rent: int | None = None
        self._blockhash: Blockhash | None = None
        self._blockhash_at = 0.0

    async def aclose(self) -> None:
        await self.client.aclose()

    def addresses(self) -> ChainAddresses:
        if self._addresses is None:
            try:
                addresses = load_addresses(self._settings.chain_addresses_file)
            except AddressesFileError as exc:
                raise ChainUnavailableError(str(exc), {"service": "chain"}) from exc
            self.client.add_decoders(addresses.error_decoders())
            self._addresses = addresses
        return self._addresses

    async def holdings(self, owner: Pubkey) -> Holdings:
        return (await self.holdings_and_free(owner, []))[0]

    async def holdings_and_free(
        self, owner: Pubkey, addresses: list[Pubkey]
    ) -> tuple[Holdings, list[bool]]:
        """The wallet's holdings and, for each of ``addresses``, whether no account lives there:
        one getMultipleAccounts."""
        chain = self.addresses()
        wallet, gxt, usdc, *others = await self._call(
            self.client.rpc.get_multiple_accounts(
                [
                    owner,
                    token_account(owner, chain.gxt_mint),
                    token_account(owner, chain.quote_mint),
                    *addresses,
                ]
            )
        )
        holdings = Holdings(
            lamports=wallet.lamports if wallet else 0,
            gxt=_token_amount(gxt.data) if gxt else None,
            usdc=_token_amount(usdc.data) if usdc else None,
        )
        return holdings, [account is None for account in others]

    async def order_rent(self) -> int:
        if self._order_rent is None:
            rpc = self.client.rpc
            self._order_rent = await self._call(
                rpc.get_minimum_balance_for_rent_exemption(Order.size())
            )
        return self._order_rent

    async def token_account_rent(self) -> int:
        return await self._call(self.client.rpc.get_minimum_balance_for_rent_exemption(165))

    async def order(self, address: Pubkey) -> Order | None:
        """The open order at ``address`` (None: no account, or not a Trading order)."""
        account = await self._call(self.client.rpc.get_account_info(address))
        if account is None or account.owner != self.addresses().trading_program:
            return None
        try:
            return Order.decode(account.data)
        except Exception:  # not an Order account (the market, another account type)
            return None

    async def missing_accounts(self, addresses: list[Pubkey]) -> list[Pubkey]:
        found = await self._call(self.client.rpc.get_multiple_accounts(addresses))
        return [address for address, account in zip(addresses, found, strict=True) if not account]

    async def latest_blockhash(self) -> Blockhash:
        """The cluster's latest blockhash, reused for ``BLOCKHASH_REUSE_S`` (it stays valid for
        about 150 slots, a minute; a prepared transaction loses under a second of that)."""
        now = time.monotonic()
        if self._blockhash is None or now - self._blockhash_at > BLOCKHASH_REUSE_S:
            latest = await self._call(self.client.rpc.get_latest_blockhash())
            self._blockhash = Blockhash(
                blockhash=latest.blockhash, last_valid_block_height=latest.last_valid_block_height
            )
            self._blockhash_at = now
        return self._blockhash

    async def relay(self, transaction: VersionedTransaction, *, wait: bool) -> Relayed:
        """Send with preflight; with ``wait``, resend the same bytes until confirmed."""
        try:
            if wait:
                confirmation = await self.client.submit_signed(transaction)
                return Relayed(signature=confirmation.signature, slot=confirmation.slot)
            signature = await self.client.rpc.send_transaction(transaction)
            return Relayed(signature=signature, slot=None)
        except ProgramFailedError as exc:
            raise _rejected(exc) from exc
        except PreflightFailedError as exc:
            decoded = decode_failure(
                exc.transaction_error,
                exc.logs,
                instruction_program_ids(transaction.message),
                self.client.sender.decoders,
            )
            if decoded is not None:
                raise _rejected(decoded) from exc
            raise TransactionRejectedError(
                f"the cluster refused the transaction: {exc.rpc_message}",
                {"error": _error_name(exc.transaction_error), "logs": list(exc.logs[-10:])},
            ) from exc
        except BlockhashExpiredError as exc:
            raise TransactionRejectedError(
                "the transaction's blockhash expired before it landed: prepare it again",
                {"error": "BlockhashNotFound"},
            ) from exc
        except TransactionFailedError as exc:
            raise TransactionRejectedError(
                f"the transaction landed but failed: {exc.transaction_error}",
                {"error": _error_name(exc.transaction_error), "signature": exc.signature},
            ) from exc
        except ConfirmationTimeoutError as exc:
            raise ChainUnavailableError(
                f"{exc}; look the signature up before sending again",
                {"service": "chain", "signature": str(transaction.signatures[0])},
            ) from exc
        except (ChainTransportError, ChainRpcError, ChainClientError) as exc:
            raise ChainUnavailableError(f"the cluster did not take it: {exc}") from exc

    async def _call(self, request: Awaitable[T]) -> T:
        try:
            return await request
        except (ChainTransportError, ChainRpcError) as exc:
            raise ChainUnavailableError(
                f"the cluster did not answer: {exc}", {"service": "chain"}
            ) from exc


@lru_cache(maxsize=TOKEN_ACCOUNTS_CACHED)
def token_account(owner: Pubkey, mint: Pubkey) -> Pubkey:
    """``owner``'s associated token account of ``mint``, memoized: a PDA search (a few SHA-256
    and curve checks) that every prepare needs two or three times for the same few wallets."""
    return associated_token_address(owner, mint)


def _token_amount(data: bytes) -> int:
    return int.from_bytes(data[_TOKEN_AMOUNT], "little")


def _rejected(exc: ProgramFailedError) -> TransactionRejectedError:
    name = pascal_case(exc.code.name)
    return TransactionRejectedError(str(exc), {"error": name, "program": exc.program})


def _error_name(transaction_error: object) -> str:
    if isinstance(transaction_error, str):
        return transaction_error
    if isinstance(transaction_error, dict) and transaction_error:
        return str(next(iter(transaction_error)))
    return str(transaction_error)
