"""The settlement rules: batch formation under the transaction limits, readiness, transitions,
how a submitted batch is resolved, and the bisection that finds a refused fill."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.trading.builders import MarketKeys
from gridtokenx.chain.trading.errors import TradingErrorCode
from gridtokenx.settlement.core import (
    FILL_ERRORS,
    BatchLimits,
    BatchResolution,
    BatchStatus,
    FirstFailureSearch,
    LandedStatus,
    PendingTrade,
    TradeStatus,
    batch_is_full,
    batch_ready,
    batch_transition,
    distinct_orders,
    form_batch,
    is_fill_error,
    resolve_batch,
    trade_transition,
)
from gridtokenx.settlement.errors import InvalidTransitionError, SettlementError
from gridtokenx.settlement.transactions import (
    MAX_ORDERS_WITH_SEPARATE_PAYER,
    PACKET_BYTES,
    settle_transaction,
)

ORDERS = [f"order-{index}" for index in range(30)]


@st.composite
def pending_trades(draw: st.DrawFn, max_size: int = 40) -> list[PendingTrade]:
    """Trades in trade_id order between a small pool of orders (so that orders repeat)."""
    pool = draw(st.integers(min_value=2, max_value=len(ORDERS)))
    count = draw(st.integers(min_value=0, max_value=max_size))
    trades = []
    for trade_id in range(1, count + 1):
        buy, sell = draw(
            st.lists(st.sampled_from(ORDERS[:pool]), min_size=2, max_size=2, unique=True)
        )
        trades.append(PendingTrade(trade_id, buy, sell, price=1, quantity=1))
    return trades


limits_strategy = st.builds(
    BatchLimits,
    max_fills=st.integers(min_value=1, max_value=10),
    max_orders=st.integers(min_value=2, max_value=20),
    min_fills=st.integers(min_value=1, max_value=10),
    max_linger_ms=st.integers(min_value=0, max_value=1_000),
)


@given(pending_trades(), limits_strategy)
def test_a_batch_is_the_longest_prefix_within_the_limits(
    pending: list[PendingTrade], limits: BatchLimits
) -> None:
    batch = form_batch(pending, limits)
    assert batch == pending[: len(batch)]
    assert len(batch) <= limits.max_fills
    assert len(distinct_orders(batch)) <= limits.max_orders
    assert bool(batch) == bool(pending)
    if len(batch) < len(pending):
        grown = pending[: len(batch) + 1]
        assert len(grown) > limits.max_fills or len(distinct_orders(grown)) > limits.max_orders
    assert batch_is_full(batch, pending, limits) == (
        len(batch) == limits.max_fills or len(batch) < len(pending)
    )


@given(pending_trades(), limits_strategy, st.integers(min_value=0, max_value=2_000))
def test_a_batch_waits_only_while_it_can_grow_below_min_fills_and_young(
    pending: list[PendingTrade], limits: BatchLimits, age_ms: int
) -> None:
    batch = form_batch(pending, limits)
    ready = batch_ready(batch, pending, age_ms, limits)
    if not batch:
        assert not ready
        return
    waits = (
        len(batch) == len(pending)
        and len(batch) < limits.max_fills
        and len(batch) < limits.min_fills
        and age_ms < limits.max_linger_ms
    )
    assert ready == (not waits)


def test_a_batch_of_distinct_orders_stops_at_ten_fills_and_one_of_a_shared_ask_grows() -> None:
    distinct = [PendingTrade(i, f"b{i}", f"s{i}", 1, 1) for i in range(1, 15)]
    assert len(form_batch(distinct, BatchLimits())) == 10
    assert len(form_batch(distinct, BatchLimits(max_orders=18))) == 9
    shared_ask = [PendingTrade(i, f"b{i}", "ask", 1, 1) for i in range(1, 15)]
    assert len(form_batch(shared_ask, BatchLimits(max_fills=10))) == 10
    assert distinct_orders(shared_ask[:3]) == ["b1", "ask", "b2", "b3"]


def test_limits_must_allow_a_fill() -> None:
    with pytest.raises(ValueError, match="max_fills"):
        BatchLimits(max_fills=0)
    with pytest.raises(ValueError, match="max_orders"):
        BatchLimits(max_orders=1)


# --- transitions ---------------------------------------------------------------------------

TRADE_MOVES = {
    (TradeStatus.PENDING, TradeStatus.SUBMITTED),
    (TradeStatus.PENDING, TradeStatus.REJECTED),
    (TradeStatus.SUBMITTED, TradeStatus.SETTLED),
    (TradeStatus.SUBMITTED, TradeStatus.PENDING),
}


@pytest.mark.parametrize(("current", "new"), list(itertools.product(TradeStatus, TradeStatus)))
def test_trade_transitions(current: TradeStatus, new: TradeStatus) -> None:
    if (current, new) in TRADE_MOVES:
        assert trade_transition(current, new) is new
    else:
        with pytest.raises(InvalidTransitionError):
            trade_transition(current, new)


@pytest.mark.parametrize(("current", "new"), list(itertools.product(BatchStatus, BatchStatus)))
def test_only_a_submitted_batch_is_resolved(current: BatchStatus, new: BatchStatus) -> None:
    if current is BatchStatus.SUBMITTED and new is not BatchStatus.SUBMITTED:
        assert batch_transition(current, new) is new
    else:
        with pytest.raises(InvalidTransitionError):
            batch_transition(current, new)


# --- resolution ----------------------------------------------------------------------------

statuses = st.none() | st.builds(
    LandedStatus,
    err=st.none() | st.just({"InstructionError": [0, {"Custom": 6003}]}),
    final=st.booleans(),
    slot=st.integers(min_value=0, max_value=10**6),
)


@given(
    statuses,
    st.integers(min_value=0, max_value=1_000),
    st.integers(min_value=0, max_value=1_000),
)
def test_a_batch_is_released_only_when_it_can_never_land(
    status: LandedStatus | None, height: int, last_valid: int
) -> None:
    resolution = resolve_batch(status, height, last_valid)
    if status is None:
        expected = BatchResolution.EXPIRED if height > last_valid else BatchResolution.WAIT
    elif not status.final:
        expected = BatchResolution.WAIT
    else:
        expected = BatchResolution.SETTLED if status.err is None else BatchResolution.FAILED
    assert resolution is expected
    # A landed transaction is never given up on, whatever the height.
    if status is not None:
        assert resolution is not BatchResolution.EXPIRED


# --- refused fills -------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=64), st.data())
def test_bisection_finds_the_first_refused_fill_in_log_steps(
    size: int, data: st.DataObject
) -> None:
    first = data.draw(st.integers(min_value=0, max_value=size - 1))
    search = FirstFailureSearch(size)
    probes = 0
    while not search.done:
        length = search.probe()
        assert 1 <= length < size
        search.record(length, failed=length > first)
        probes += 1
    assert search.first_failure == first
    assert probes <= max(size - 1, 0).bit_length()


def test_a_finished_search_refuses_more_probes() -> None:
    search = FirstFailureSearch(1)
    assert search.done
    assert search.first_failure == 0
    with pytest.raises(ValueError, match="over"):
        search.probe()
    with pytest.raises(ValueError, match="at least one"):
        FirstFailureSearch(0)


def test_fill_errors_are_about_one_fill_and_the_rest_about_the_transaction() -> None:
    assert is_fill_error(TradingErrorCode.WRONG_ACCOUNT_OWNER.value)
    assert is_fill_error(TradingErrorCode.ORDER_EXPIRED.value)
    assert is_fill_error(TradingErrorCode.OVERFILL.value)
    for code in (
        TradingErrorCode.UNAUTHORIZED,
        TradingErrorCode.MISSING_SIGNER,
        TradingErrorCode.VAULT_MISMATCH,
        TradingErrorCode.MINT_MISMATCH,
        TradingErrorCode.NOTHING_TO_CLAIM,
    ):
        assert code not in FILL_ERRORS
        assert not is_fill_error(code.value)
    assert not is_fill_error(None)
    assert not is_fill_error(1)


# --- transaction size ----------------------------------------------------------------------


def _trades(count: int) -> list[PendingTrade]:
    return [
        PendingTrade(i, str(Pubkey.new_unique()), str(Pubkey.new_unique()), 1, 1)
        for i in range(1, count + 1)
    ]


def test_ten_fills_between_twenty_orders_fit_when_the_matcher_pays() -> None:
    keys = MarketKeys(*(Pubkey.new_unique() for _ in range(7)))
    matcher, payer = Keypair(), Keypair()
    signed = settle_transaction(keys, _trades(10), matcher, matcher, Hash.default())
    assert len(bytes(signed)) <= PACKET_BYTES
    fills = MAX_ORDERS_WITH_SEPARATE_PAYER // 2
    other_payer = settle_transaction(keys, _trades(fills), matcher, payer, Hash.default())
    assert len(bytes(other_payer)) <= PACKET_BYTES
    with pytest.raises(SettlementError, match="MAX_ORDERS_PER_TRANSACTION"):
        settle_transaction(keys, _trades(10), matcher, payer, Hash.default())
