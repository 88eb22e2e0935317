"""What the settler needs from a cluster, over the platform's ChainClient.

Settle transactions are sent with ``skipPreflight`` after the settler simulated them itself: a
transaction that the chain then refuses lands as failed (its signature is spent, so it can never
apply later), which is a definite outcome, where a refused preflight is not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.anchor.errors import AnchorCodecError
from gridtokenx.chain.anchor.program_errors import ProgramFailedError, pascal_case
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import ChainClientError, TransactionFailedError
from gridtokenx.chain.client.program_errors import custom_instruction_error
from gridtokenx.chain.client.rpc import LatestBlockhash
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
)
from gridtokenx.chain.trading.accounts import Market, Order, TimeInForce
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    cancel_order_instruction,
    claim_instruction,
)
from gridtokenx.chain.trading.errors import TradingErrorCode
from gridtokenx.settlement.core import LandedStatus
from gridtokenx.settlement.repository import ClaimRecord, PendingRelease, ReleaseOutcome
from gridtokenx.settlement.transactions import pack_instructions

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a simulated or landed transaction failed: the Trading error, if it was one."""

    code: int | None
    """The Trading program's custom error code (None: another kind of failure)."""
    error: object
    """The TransactionError in its JSON form."""

    @property
    def reason(self) -> str:
        """The program error's name (``WrongAccountOwner``), else the error's text."""
        if self.code is not None and self.code in TradingErrorCode._value2member_map_:
            return pascal_case(TradingErrorCode(self.code).name)
        return str(self.error)[:200]


def refusal_of(error: object, instruction_index: int) -> Refusal:
    failed = custom_instruction_error(error)
    code = failed[1] if failed is not None and failed[0] == instruction_index else None
    return Refusal(code, error)


class SettlementChain:
    """The cluster as the settler uses it; ``matcher`` signs settles, ``payer`` pays."""

    def __init__(
        self, client: ChainClient, trading_program: Pubkey, matcher: Keypair, payer: Keypair
    ) -> None:
        self.client = client
        self.rpc = client.rpc
        self.trading_program = trading_program
        self.matcher = matcher
        self.payer = payer
        self._markets: dict[str, MarketKeys] = {}

    async def market_keys(self, market: str) -> MarketKeys | None:
        """The market's keys from its account (cached); None if it is not a Trading market
        whose matcher is this settler's key."""
        cached = self._markets.get(market)
        if cached is not None:
            return cached
        address = Pubkey.from_string(market)
        account = await self.rpc.get_account_info(address)
        if account is None or account.owner != self.trading_program:
            return None
        try:
            decoded = Market.decode(account.data)
        except AnchorCodecError:
            return None
        if decoded.matcher != self.matcher.pubkey():
            _log.warning(
                "market %s is settled by matcher %s, not this service's key %s",
                market,
                decoded.matcher,
                self.matcher.pubkey(),
            )
            return None
        keys = MarketKeys.from_account(self.trading_program, address, decoded)
        self._markets[market] = keys
        return keys

    async def latest_blockhash(self) -> LatestBlockhash:
        return await self.rpc.get_latest_blockhash()

    async def simulate(self, transaction: VersionedTransaction, index: int) -> Refusal | None:
        """None if the transaction would succeed now; else why instruction ``index`` (or the
        transaction) would fail."""
        result = await self.rpc.simulate_transaction(transaction)
        return None if result.err is None else refusal_of(result.err, index)

    async def send(self, transaction: VersionedTransaction) -> None:
        """Send (or resend) these exact bytes without preflight; a lost request is resent."""
        try:
            await self.rpc.send_transaction(transaction, skip_preflight=True)
        except ChainClientError as exc:
            _log.info("sending %s failed, resent later: %s", transaction.signatures[0], exc)

    async def block_height(self) -> int:
        return await self.rpc.get_block_height()

    async def status(self, signature: str) -> LandedStatus | None:
        """The signature's status if it landed (searching the whole history), else None."""
        (status,) = await self.rpc.get_signature_statuses(
            [Signature.from_string(signature)], search_transaction_history=True
        )
        if status is None:
            return None
        return LandedStatus(status.err, status.reached(self.rpc.commitment), status.slot)

    # --- releases ------------------------------------------------------------------------------

    async def release_order(self, keys: MarketKeys, release: PendingRelease) -> ReleaseOutcome:
        """Cancel the released order, signed by the matcher: its escrow and claimables go to
        its owner (creating a missing associated token account first, paid by the payer).
        Raises ChainClientError when the cluster does not answer (tried again later)."""
        order = Pubkey.from_string(release.order)
        account = await self.rpc.get_account_info(order)
        if account is None or account.owner != self.trading_program:
            return ReleaseOutcome("closed")
        state = Order.decode(account.data)
        if str(state.owner) != release.owner or state.time_in_force == TimeInForce.GTC:
            # Closed and placed again (same id) as an order this release does not name.
            return ReleaseOutcome("closed", error="the account holds another order now")
        owner = state.owner
        energy = associated_token_address(owner, keys.energy_mint)
        quote = associated_token_address(owner, keys.quote_mint)
        existing = await self.rpc.get_multiple_accounts([energy, quote])
        instructions = [
            create_associated_token_account_idempotent(self.payer.pubkey(), owner, mint)
            for mint, found in zip((keys.energy_mint, keys.quote_mint), existing, strict=True)
            if found is None
        ]
        instructions.append(
            cancel_order_instruction(
                keys, order, owner, energy, quote, matcher=self.matcher.pubkey()
            )
        )
        signers = [] if self.matcher.pubkey() == self.payer.pubkey() else [self.matcher]
        try:
            confirmation = await self.client.send_and_confirm(instructions, signers, self.payer)
        except (ProgramFailedError, TransactionFailedError) as exc:
            code = exc.code if isinstance(exc, ProgramFailedError) else None
            if code is TradingErrorCode.WRONG_ACCOUNT_OWNER:
                return ReleaseOutcome("closed")  # cancelled or claimed by its owner meanwhile
            reason = pascal_case(code.name) if code is not None else str(exc)[:200]
            return ReleaseOutcome("failed", error=reason)
        return ReleaseOutcome(
            "cancelled", signature=str(confirmation.signature), slot=confirmation.slot
        )

    # --- claims --------------------------------------------------------------------------------

    async def claim_orders(self, keys: MarketKeys, orders: Sequence[str]) -> list[ClaimRecord]:
        """Crank ``claim`` for each of ``orders`` that has something to claim; the others are
        recorded as closed or with nothing to claim. Raises ChainClientError when the cluster
        does not answer (the caller tries again later: claims are idempotent on chain)."""
        addresses = [Pubkey.from_string(order) for order in orders]
        accounts = await self.rpc.get_multiple_accounts(addresses)
        records: list[ClaimRecord] = []
        claimable: list[tuple[str, Order]] = []
        for order, account in zip(orders, accounts, strict=True):
            if account is None or account.owner != self.trading_program:
                records.append(ClaimRecord(order, None, "closed"))
                continue
            state = Order.decode(account.data)
            if state.claimable_energy or state.claimable_quote or state.remaining == 0:
                claimable.append((order, state))
            else:
                records.append(ClaimRecord(order, str(state.owner), "nothing_to_claim"))
        if not claimable:
            return records
        groups = await self._claim_groups(keys, claimable)
        for indexes in pack_instructions(groups, self.payer):
            records += await self._claim_together(
                [claimable[i] for i in indexes], [groups[i] for i in indexes]
            )
        return records

    async def _claim_groups(
        self, keys: MarketKeys, claimable: Sequence[tuple[str, Order]]
    ) -> list[list[Instruction]]:
        """Each order's claim, preceded by the creation of whichever of its owner's associated
        token accounts is missing (claim pays into them; the payer pays their rent)."""
        owners = sorted({state.owner for _, state in claimable}, key=bytes)
        wanted = [
            associated_token_address(owner, mint)
            for owner in owners
            for mint in (keys.energy_mint, keys.quote_mint)
        ]
        exists = {
            address
            for address, account in zip(
                wanted, await self.rpc.get_multiple_accounts(wanted), strict=True
            )
            if account is not None
        }
        groups: list[list[Instruction]] = []
        created: set[Pubkey] = set()
        for order, state in claimable:
            owner = state.owner
            energy = associated_token_address(owner, keys.energy_mint)
            quote = associated_token_address(owner, keys.quote_mint)
            group: list[Instruction] = []
            for mint, account in ((keys.energy_mint, energy), (keys.quote_mint, quote)):
                if account not in exists and account not in created:
                    group.append(
                        create_associated_token_account_idempotent(self.payer.pubkey(), owner, mint)
                    )
                    created.add(account)
            group.append(claim_instruction(keys, Pubkey.from_string(order), owner, energy, quote))
            groups.append(group)
        return groups

    async def _claim_together(
        self, claims: Sequence[tuple[str, Order]], groups: Sequence[Sequence[Instruction]]
    ) -> list[ClaimRecord]:
        instructions = [each for group in groups for each in group]
        try:
            confirmation = await self.client.send_and_confirm(instructions, [], self.payer)
        except (ProgramFailedError, TransactionFailedError) as exc:
            if len(claims) > 1:
                # One refused claim fails its transaction: claim each alone.
                records: list[ClaimRecord] = []
                for claim, group in zip(claims, groups, strict=True):
                    records += await self._claim_together([claim], [group])
                return records
            order, state = claims[0]
            return [_refused_claim(order, state, exc)]
        return [
            ClaimRecord(
                order,
                str(state.owner),
                "claimed",
                energy=state.claimable_energy,
                quote=state.claimable_quote,
                signature=str(confirmation.signature),
                slot=confirmation.slot,
            )
            for order, state in claims
        ]


def _refused_claim(
    order: str, state: Order, exc: ProgramFailedError | TransactionFailedError
) -> ClaimRecord:
    code = exc.code if isinstance(exc, ProgramFailedError) else None
    owner = str(state.owner)
    if code is TradingErrorCode.NOTHING_TO_CLAIM:
        return ClaimRecord(order, owner, "nothing_to_claim")
    if code is TradingErrorCode.WRONG_ACCOUNT_OWNER:
        return ClaimRecord(order, owner, "closed")  # cancelled or claimed by its owner meanwhile
    reason = pascal_case(code.name) if code is not None else str(exc)[:200]
    return ClaimRecord(order, owner, "failed", reason=reason)
