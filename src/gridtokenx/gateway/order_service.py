"""Orders without custody: prepare unsigned Trading transactions for the signed-in wallet,
relay what it signed, and list its orders, fills and settlements from the mirrors.

The gateway holds no user key: every prepared transaction has the caller's wallet as its one
signer and fee payer, and ``submit`` relays only transactions that pass
:func:`gridtokenx.gateway.order_transactions.check_transaction`. Cancel and claim are prepared
only for an open order of the signed-in wallet (read from the chain itself); any other address
answers 404 ``order_not_found`` whoever owns it, so nothing leaks. Prices and quantities are
checked against the configured bounds and then against the market's tick and lot as operators
set them (:class:`~gridtokenx.gateway.operator_market.MarketParameters`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.client.transactions import compute_budget_instructions
from gridtokenx.chain.spl_token import (
    create_associated_token_account_idempotent,
)
from gridtokenx.chain.trading.accounts import Order, OrderSide, TimeInForce
from gridtokenx.chain.trading.builders import (
    OrderRequest,
    cancel_order_instruction,
    claim_instruction,
    place_order_instruction,
)
from gridtokenx.config import Settings
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.operator_market import MarketParameters
from gridtokenx.gateway.order_chain import OrderChain, token_account
from gridtokenx.gateway.order_errors import (
    NothingToClaimError,
    OrderIdsExhaustedError,
    OrderNotFoundError,
)
from gridtokenx.gateway.order_rules import (
    Needs,
    check_holdings,
    check_order,
    order_id_candidates,
    order_needs,
    transaction_fee,
)
from gridtokenx.gateway.order_schemas import (
    PlaceOrderRequest,
    PreparedTransaction,
    SubmitRequest,
    SubmitResponse,
)
from gridtokenx.gateway.order_transactions import (
    check_transaction,
    decode_transaction,
    unsigned_transaction,
)

ORDER_ID_ATTEMPTS = 4
"""Consecutive time-based ids tried (one getMultipleAccounts) before giving up: an id is taken
only while an order of this wallet placed with that millisecond's id is still open, so four
cover a wallet placing orders within the same few milliseconds. Each candidate costs a PDA
search (about 7 us; eight of them were 7 % of a prepare's CPU time under load)."""


class OrderService:
    def __init__(
        self,
        settings: Settings,
        chain: OrderChain,
        clock: Callable[[], datetime],
        parameters: MarketParameters | None = None,
    ) -> None:
        self.bounds = settings.orders
        self.chain = chain
        self._clock = clock
        self.parameters = parameters
        """Operators' per-market tick and lot (None: the configured ones only)."""

    async def prepare_place(
        self, caller: Principal, request: PlaceOrderRequest
    ) -> PreparedTransaction:
        now = self._clock()
        check_order(
            self.bounds,
            price=request.price_per_kwh,
            quantity=request.quantity,
            expiry_s=request.expiry_s,
            now_s=int(now.timestamp()),
        )
        owner = Pubkey.from_string(caller.wallet)
        keys = self.chain.addresses().market_keys()
        if self.parameters is not None:
            tick_and_lot = await self.parameters.current(str(keys.market))
            check_order(
                self.parameters.bounds_for(tick_and_lot),
                price=request.price_per_kwh,
                quantity=request.quantity,
                expiry_s=request.expiry_s,
                now_s=int(now.timestamp()),
            )
        candidates = order_id_candidates(int(now.timestamp() * 1000), ORDER_ID_ATTEMPTS)
        addresses = [keys.order(owner, each) for each in candidates]
        holdings, free = await self.chain.holdings_and_free(owner, addresses)
        chosen = next((index for index, ok in enumerate(free) if ok), None)
        if chosen is None:
            raise OrderIdsExhaustedError(
                "every order id of this moment is taken for this wallet; retry in a moment"
            )
        order_id, order_account = candidates[chosen], addresses[chosen]
        needs = order_needs(
            side=request.side,
            price=request.price_per_kwh,
            quantity=request.quantity,
            rent_lamports=await self.chain.order_rent(),
            fee_lamports=self._fee(),
        )
        check_holdings(needs, holdings)
        sell = request.side == "sell"
        source = token_account(owner, keys.energy_mint if sell else keys.quote_mint)
        place = place_order_instruction(
            keys,
            OrderRequest(
                owner=owner,
                order_id=order_id,
                side=OrderSide.SELL if sell else OrderSide.BUY,
                price=request.price_per_kwh,
                quantity=request.quantity,
                source=source,
                expiry=request.expiry_s,
                time_in_force=TimeInForce.from_label(request.time_in_force),
            ),
        )
        return await self._prepared(owner, [place], order_account, order_id, needs)

    async def prepare_cancel(self, caller: Principal, order_address: str) -> PreparedTransaction:
        return await self._prepare_payout(caller, order_address, claim=False)

    async def prepare_claim(self, caller: Principal, order_address: str) -> PreparedTransaction:
        return await self._prepare_payout(caller, order_address, claim=True)

    async def submit(self, caller: Principal, request: SubmitRequest) -> SubmitResponse:
        transaction = decode_transaction(request.transaction)
        checked = check_transaction(
            transaction,
            wallet=Pubkey.from_string(caller.wallet),
            trading_program=self.chain.addresses().trading_program,
        )
        relayed = await self.chain.relay(checked.transaction, wait=request.wait)
        return SubmitResponse(
            signature=str(relayed.signature),
            kind=checked.kind,  # type: ignore[arg-type]
            order=str(checked.accounts[1]),
            confirmed=relayed.slot is not None,
            slot=relayed.slot,
        )

    async def _prepare_payout(
        self, caller: Principal, order_address: str, *, claim: bool
    ) -> PreparedTransaction:
        owner = Pubkey.from_string(caller.wallet)
        address, order = await self._own_order(owner, order_address)
        if claim and not (
            order.claimable_energy or order.claimable_quote or order.filled == order.quantity
        ):
            raise NothingToClaimError(
                "the order has nothing to claim yet and is not completely filled",
                {"order": order_address, "filled": order.filled, "quantity": order.quantity},
            )
        keys = self.chain.addresses().market_keys()
        energy = token_account(owner, keys.energy_mint)
        quote = token_account(owner, keys.quote_mint)
        missing = await self.chain.missing_accounts([energy, quote])
        create = [
            create_associated_token_account_idempotent(
                owner, owner, keys.energy_mint if account == energy else keys.quote_mint
            )
            for account in missing
        ]
        rent = await self.chain.token_account_rent() if missing else 0
        needs = Needs(lamports=self._fee() + rent * len(missing))
        check_holdings(needs, await self.chain.holdings(owner))
        build = claim_instruction if claim else cancel_order_instruction
        payout = build(keys, address, owner, energy, quote)
        return await self._prepared(owner, [*create, payout], address, order.order_id, needs)

    async def _own_order(self, owner: Pubkey, order_address: str) -> tuple[Pubkey, Order]:
        not_found = OrderNotFoundError(
            f"no open order {order_address} of this wallet", {"order": order_address}
        )
        try:
            address = Pubkey.from_string(order_address)
        except ValueError:
            raise not_found from None
        order = await self.chain.order(address)
        if order is None or order.owner != owner or order.market != self.chain.addresses().market:
            raise not_found
        return address, order

    def _fee(self) -> int:
        return transaction_fee(
            1, self.bounds.compute_unit_limit, self.bounds.priority_fee_micro_lamports
        )

    async def _prepared(
        self,
        owner: Pubkey,
        instructions: list[Instruction],
        order: Pubkey,
        order_id: int,
        needs: Needs,
    ) -> PreparedTransaction:
        budget = compute_budget_instructions(
            self.bounds.compute_unit_limit, self.bounds.priority_fee_micro_lamports
        )
        latest = await self.chain.latest_blockhash()
        raw = unsigned_transaction([*budget, *instructions], owner, latest.blockhash)
        return PreparedTransaction(
            transaction=base64.b64encode(raw).decode(),
            fee_payer=str(owner),
            blockhash=str(latest.blockhash),
            last_valid_block_height=latest.last_valid_block_height,
            compute_unit_limit=self.bounds.compute_unit_limit,
            priority_fee_micro_lamports=self.bounds.priority_fee_micro_lamports,
            order=str(order),
            order_id=order_id,
            lamports_needed=needs.lamports,
            escrow_asset=needs.asset if needs.asset != "sol" else None,
            escrow_amount=needs.amount,
        )
