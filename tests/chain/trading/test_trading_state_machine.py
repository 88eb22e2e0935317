"""Any sequence of valid and invalid trading instructions moves tokens exactly as a model says
and never creates or destroys a base unit.

Hypothesis drives a real Trading program in LiteSVM: traders place, cancel and claim orders and
the matcher settles random fills (some above the bid, over-filled, expired, self-trades, wrong
sides or with closed orders). The model predicts each instruction's outcome and error code;
after every step, each trader's balances, each open order and the vaults must match it, and for
each mint the traders' balances plus the vaults and the fee vault must equal the supply.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from solders.pubkey import Pubkey
from solders.transaction_metadata import TransactionMetadata

from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.builders import OrderFill, place_order_instruction
from gridtokenx.chain.trading.errors import TradingErrorCode as E
from gridtokenx.core import escrow_for_bid, payment_for_fill, split_fee
from tests.utils.svm import Result, build_program, error_code
from tests.utils.trading import KWH, USDC, MarketFixture, Trader, TradingChain

PROGRAM: list[bytes] = []
TRADERS = 3
START_ENERGY = 4 * KWH
START_QUOTE = 2 * USDC


@dataclass(frozen=True)
class ModelOrder:
    owner: int
    side: OrderSide
    price: int
    quantity: int
    expiry: int
    filled: int = 0
    escrow: int = 0
    claimable_energy: int = 0
    claimable_quote: int = 0


class Refused(Exception):  # noqa: N818 - an expected outcome, not a failure
    def __init__(self, code: E) -> None:
        self.code = code


class TradingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[Pubkey, ModelOrder] = {}
        self.closed: list[Pubkey] = []
        self.energy = [START_ENERGY] * TRADERS
        self.quote = [START_QUOTE] * TRADERS
        self.fees = 0

    @initialize(fee_bps=st.sampled_from([0, 25, 9_999, 10_000]))
    def open_market(self, fee_bps: int) -> None:
        self.chain = TradingChain.deploy(PROGRAM[0])
        self.market: MarketFixture = self.chain.open_market(fee_bps)
        self.traders: list[Trader] = [
            self.market.new_trader(START_ENERGY, START_QUOTE) for _ in range(TRADERS)
        ]
        # A crossing book from the first step, so that short runs settle too.
        self.place(0, OrderSide.SELL, 100_000, 2 * KWH, 0)
        self.place(1, OrderSide.BUY, 120_000, 2 * KWH, 0)

    def _expect(self, what: str, result: Result, refusal: E | None) -> None:
        event(f"{what}: {'ok' if refusal is None else refusal.name}")
        if refusal is None:
            assert isinstance(result, TransactionMetadata), result
        else:
            assert not isinstance(result, TransactionMetadata), "the transaction succeeded"
            assert error_code(result) == refusal

    def _is_expired(self, order: ModelOrder) -> bool:
        return order.expiry != 0 and self.chain.now() >= order.expiry

    @rule(
        owner=st.integers(0, TRADERS - 1),
        side=st.sampled_from(OrderSide),
        price=st.integers(1, 400_000) | st.integers(90_000, 130_000),
        quantity=st.integers(1, 3 * KWH),
        lifetime=st.sampled_from([0, 5, 60]),
    )
    def place(self, owner: int, side: OrderSide, price: int, quantity: int, lifetime: int) -> None:
        trader = self.traders[owner]
        expiry = self.chain.now() + lifetime if lifetime else 0
        request = self.market.order_request(trader, side, price, quantity, expiry)
        address = self.market.keys.order(trader.key, request.order_id)
        escrow = quantity if side is OrderSide.SELL else escrow_for_bid(price, quantity)
        funds = self.energy[owner] if side is OrderSide.SELL else self.quote[owner]
        refusal = E.INSUFFICIENT_FUNDS if escrow > funds else None
        before = self.chain.snapshot(self.market.watched())
        result = self.chain.send(
            [place_order_instruction(self.market.keys, request)], [trader.wallet]
        )
        self._expect("place", result, refusal)
        if refusal is not None:
            assert self.chain.snapshot(self.market.watched()) == before
            return
        if side is OrderSide.SELL:
            self.energy[owner] -= escrow
        else:
            self.quote[owner] -= escrow
        self.orders[address] = ModelOrder(owner, side, price, quantity, expiry, escrow=escrow)

    def _apply_fill(self, model: dict[Pubkey, ModelOrder], fill: OrderFill, fee_bps: int) -> int:
        """Applies one fill to ``model`` as the program would, or raises Refused."""
        if fill.buy_order not in model or fill.sell_order not in model:
            raise Refused(E.WRONG_ACCOUNT_OWNER)
        buy, sell = model[fill.buy_order], model[fill.sell_order]
        if buy.side is not OrderSide.BUY or sell.side is not OrderSide.SELL:
            raise Refused(E.ORDER_SIDE_MISMATCH)
        if buy.owner == sell.owner:
            raise Refused(E.SELF_TRADE)
        if self._is_expired(buy) or self._is_expired(sell):
            raise Refused(E.ORDER_EXPIRED)
        if fill.quantity == 0:
            raise Refused(E.INVALID_ARGUMENT)
        if not sell.price <= fill.price <= buy.price:
            raise Refused(E.PRICE_OUTSIDE_LIMITS)
        if fill.quantity > min(buy.quantity - buy.filled, sell.quantity - sell.filled):
            raise Refused(E.OVERFILL)
        notional = payment_for_fill(fill.price, fill.quantity)
        net, fee = split_fee(notional, fee_bps)
        model[fill.buy_order] = replace(
            buy,
            filled=buy.filled + fill.quantity,
            escrow=buy.escrow - notional,
            claimable_energy=buy.claimable_energy + fill.quantity,
        )
        model[fill.sell_order] = replace(
            sell,
            filled=sell.filled + fill.quantity,
            escrow=sell.escrow - fill.quantity,
            claimable_quote=sell.claimable_quote + net,
        )
        return fee

    def _crossing_pairs(self) -> list[tuple[Pubkey, Pubkey]]:
        live = [(a, o) for a, o in self.orders.items() if not self._is_expired(o)]
        return [
            (buy, sell)
            for buy, b in live
            for sell, s in live
            if b.side is OrderSide.BUY
            and s.side is OrderSide.SELL
            and b.owner != s.owner
            and s.price <= b.price
        ]

    def _draw_fill(self, data: st.DataObject) -> OrderFill:
        """Mostly a fill the matcher could propose; otherwise any pair of orders (including
        closed ones) at a price and quantity near the limits."""
        pairs = self._crossing_pairs()
        if pairs and data.draw(st.integers(0, 5), label="valid pair") > 0:
            buy, sell = data.draw(st.sampled_from(pairs), label="pair")
        else:
            candidates = list(self.orders) + self.closed[-2:]
            buy = data.draw(st.sampled_from(candidates), label="buy")
            sell = data.draw(st.sampled_from(candidates), label="sell")
        buy_model, sell_model = self.orders.get(buy), self.orders.get(sell)
        low = sell_model.price if sell_model else 1
        high = buy_model.price if buy_model else 400_000
        price = data.draw(
            st.integers(max(1, min(low, high) - 1), max(low, high) + 1), label="price"
        )
        room = min(
            (m.quantity - m.filled for m in (buy_model, sell_model) if m is not None),
            default=KWH,
        )
        flawed_quantity = data.draw(st.integers(0, 5), label="flawed quantity") == 0
        quantity = data.draw(
            st.sampled_from([0, room + 1]) if flawed_quantity else st.integers(1, max(1, room)),
            label="quantity",
        )
        return OrderFill(buy, sell, quantity, price)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), count=st.integers(1, 3))
    def settle(self, data: st.DataObject, count: int) -> None:
        fills = [self._draw_fill(data) for _ in range(count)]
        model = dict(self.orders)
        fee_total = 0
        refusal: E | None = None
        try:
            for fill in fills:
                fee_total += self._apply_fill(model, fill, self.market.fee_bps)
        except Refused as refused:
            refusal = refused.code
        before = self.chain.snapshot(self.market.watched())
        result = self.chain.send([self.market.settle(fills)], [self.market.matcher])
        self._expect("settle", result, refusal)
        if refusal is not None:
            assert self.chain.snapshot(self.market.watched()) == before
            return
        self.orders = model
        self.fees += fee_total

    def _close(self, address: Pubkey) -> None:
        del self.orders[address]
        self.closed.append(address)

    def _pay(self, order: ModelOrder, energy: int, quote: int) -> None:
        self.energy[order.owner] += energy
        self.quote[order.owner] += quote

    def _payout(self, order: ModelOrder) -> tuple[int, int]:
        """Escrow plus claimables, per mint."""
        if order.side is OrderSide.SELL:
            return order.claimable_energy + order.escrow, order.claimable_quote
        return order.claimable_energy, order.claimable_quote + order.escrow

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), owner_signs=st.booleans())
    def cancel(self, data: st.DataObject, owner_signs: bool) -> None:
        address = data.draw(st.sampled_from(list(self.orders)))
        order = self.orders[address]
        trader = self.traders[order.owner]
        refusal = None if owner_signs or self._is_expired(order) else E.MISSING_SIGNER
        instruction = self.market.cancel(address, trader, owner_signs=owner_signs)
        before = self.chain.snapshot(self.market.watched())
        result = self.chain.send([instruction], [trader.wallet] if owner_signs else [])
        self._expect("cancel", result, refusal)
        if refusal is not None:
            assert self.chain.snapshot(self.market.watched()) == before
            return
        self._pay(order, *self._payout(order))
        self._close(address)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data())
    def claim(self, data: st.DataObject) -> None:
        owed = [a for a, o in self.orders.items() if o.filled > 0]
        address = data.draw(st.sampled_from(owed or list(self.orders)))
        order = self.orders[address]
        complete = order.filled == order.quantity
        nothing = order.claimable_energy == 0 and order.claimable_quote == 0
        refusal = E.NOTHING_TO_CLAIM if nothing and not complete else None
        before = self.chain.snapshot(self.market.watched())
        result = self.chain.send([self.market.claim(address, self.traders[order.owner])])
        self._expect("claim", result, refusal)
        if refusal is not None:
            assert self.chain.snapshot(self.market.watched()) == before
            return
        if complete:
            self._pay(order, *self._payout(order))
            self._close(address)
        else:
            self._pay(order, order.claimable_energy, order.claimable_quote)
            self.orders[address] = replace(order, claimable_energy=0, claimable_quote=0)

    @rule(seconds=st.sampled_from([1, 10, 60]))
    def wait(self, seconds: int) -> None:
        self.chain.advance_clock(seconds)

    @invariant()
    def tokens_are_where_the_model_says(self) -> None:
        chain, keys = self.chain, self.market.keys
        for index, trader in enumerate(self.traders):
            assert chain.balance(trader.energy_account) == self.energy[index]
            assert chain.balance(trader.quote_account) == self.quote[index]
        for address, model in self.orders.items():
            state = self.market.order_state(address)
            assert state is not None
            owner = [trader.key for trader in self.traders].index(state.owner)
            assert _model_fields(state, owner) == model
        for address in self.closed:
            assert chain.svm.get_account(address) is None
        open_orders = self.orders.values()
        energy_owed = sum(
            o.escrow if o.side is OrderSide.SELL else o.claimable_energy for o in open_orders
        )
        quote_owed = sum(
            o.escrow if o.side is OrderSide.BUY else o.claimable_quote for o in open_orders
        )
        assert chain.balance(keys.energy_vault) == energy_owed
        assert chain.balance(keys.quote_vault) == quote_owed
        assert chain.balance(keys.fee_vault) == self.fees
        # Nothing created or destroyed: every base unit is a trader's, in a vault or a fee.
        assert sum(self.energy) + energy_owed == chain.mint_supply(keys.energy_mint)
        assert sum(self.quote) + quote_owed + self.fees == chain.mint_supply(keys.quote_mint)


def _model_fields(state: Order, owner: int) -> ModelOrder:
    return ModelOrder(
        owner=owner,
        side=OrderSide(state.side),
        price=state.price,
        quantity=state.quantity,
        expiry=state.expiry,
        filled=state.filled,
        escrow=state.escrow,
        claimable_energy=state.claimable_energy,
        claimable_quote=state.claimable_quote,
    )


@pytest.fixture(scope="module", autouse=True)
def _program() -> None:
    PROGRAM[:] = [build_program("trading")]


TestTradingMachine = TradingMachine.TestCase
TestTradingMachine.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
