"""The pure decoder: landed transactions → add/cancel commands and touched orders."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderFill,
    OrderRequest,
    cancel_order_instruction,
    claim_instruction,
    place_order_instruction,
    settle_instruction,
)
from gridtokenx.indexer.decoder import TouchKind, decode_transaction
from gridtokenx.indexer.errors import TransactionDecodeError
from gridtokenx.market.orders import Side, TimeInForce
from gridtokenx.market.wire import AddCommand, CancelCommand, decode_command, encode_command
from tests.indexer.documents import (
    account_keys,
    compile_inner,
    document,
    signed,
    signed_v0,
)

U64 = 2**64 - 1
I64 = 2**63 - 1
PROGRAM = Pubkey.new_unique()
KEYS = MarketKeys.derive(PROGRAM, Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique())
OWNER = Keypair()
OWNER_KEY = OWNER.pubkey()


def _place(
    owner: Keypair = OWNER,
    order_id: int = 7,
    side: OrderSide = OrderSide.SELL,
    price: int = 120_000,
    quantity: int = 2_000_000,
    expiry: int = 0,
) -> Instruction:
    return place_order_instruction(
        KEYS,
        OrderRequest(owner.pubkey(), order_id, side, price, quantity, Pubkey.new_unique(), expiry),
    )


def _cancel(order: Pubkey, owner: Pubkey = OWNER_KEY, *, owner_signs: bool = True) -> Instruction:
    return cancel_order_instruction(
        KEYS, order, owner, Pubkey.new_unique(), Pubkey.new_unique(), owner_signs=owner_signs
    )


def test_place_order_becomes_an_add_command_with_the_transaction_s_slot_time_and_signature() -> (
    None
):
    raw = signed(
        [_place(order_id=9, side=OrderSide.BUY, price=5, quantity=3, expiry=1_790_000_600)], OWNER
    )
    decoded = decode_transaction(document(raw, slot=321, block_time=1_790_000_001), PROGRAM)
    order = KEYS.order(OWNER.pubkey(), 9)
    signature = str(raw_signature(raw))
    assert decoded.commands == (
        AddCommand(
            market=str(KEYS.market),
            order=str(order),
            owner=str(OWNER.pubkey()),
            order_id=9,
            side=Side.BUY,
            price=5,
            quantity=3,
            expiry_s=1_790_000_600,
            time_in_force=TimeInForce.GTC,
            post_only=False,
            timestamp_ms=1_790_000_001_000,
            slot=321,
            signature=signature,
        ),
    )
    assert (decoded.signature, decoded.slot, decoded.failed, decoded.skipped) == (
        signature,
        321,
        False,
        (),
    )
    assert [(t.kind, t.order) for t in decoded.touches] == [(TouchKind.PLACE, str(order))]
    # The command is a valid order-commands record keyed by its market.
    [command] = decoded.commands
    assert decode_command(command.market.encode(), encode_command(command)) == command


def raw_signature(raw: bytes) -> str:
    from solders.transaction import VersionedTransaction

    return str(VersionedTransaction.from_bytes(raw).signatures[0])


def test_cancel_order_becomes_a_cancel_command_also_when_another_cancels_an_expired_order() -> None:
    order = KEYS.order(OWNER.pubkey(), 1)
    cranker = Keypair()
    raw = signed([_cancel(order, owner_signs=False)], cranker)
    decoded = decode_transaction(document(raw, slot=5, block_time=10), PROGRAM)
    assert decoded.commands == (
        CancelCommand(
            str(KEYS.market), str(order), str(OWNER.pubkey()), 10_000, 5, raw_signature(raw)
        ),
    )
    assert [t.kind for t in decoded.touches] == [TouchKind.CANCEL]


def test_a_failed_transaction_yields_nothing() -> None:
    raw = signed([_place(), _cancel(KEYS.order(OWNER.pubkey(), 7))], OWNER)
    failed = {"InstructionError": [0, {"Custom": 6001}]}
    decoded = decode_transaction(document(raw, err=failed), PROGRAM)
    assert decoded.failed
    assert (decoded.commands, decoded.touches, decoded.skipped) == ((), (), ())


def test_settle_and_claim_touch_orders_without_commands() -> None:
    buy, sell = KEYS.order(Keypair().pubkey(), 1), KEYS.order(OWNER.pubkey(), 2)
    other = KEYS.order(Keypair().pubkey(), 3)
    matcher = Keypair()
    settle = settle_instruction(
        KEYS, matcher.pubkey(), [OrderFill(buy, sell, 5, 9), OrderFill(other, sell, 1, 9)]
    )
    claim = claim_instruction(KEYS, sell, OWNER.pubkey(), Pubkey.new_unique(), Pubkey.new_unique())
    raw = signed([settle, claim], matcher)
    decoded = decode_transaction(document(raw), PROGRAM)
    assert decoded.commands == ()
    assert [(t.kind, t.order) for t in decoded.touches] == [
        (TouchKind.SETTLE, str(buy)),
        (TouchKind.SETTLE, str(sell)),
        (TouchKind.SETTLE, str(other)),
        (TouchKind.CLAIM, str(sell)),
    ]


def test_instructions_of_other_programs_are_ignored() -> None:
    payer = Keypair()
    pay = transfer(
        TransferParams(from_pubkey=payer.pubkey(), to_pubkey=Pubkey.new_unique(), lamports=1)
    )
    foreign = Instruction(Pubkey.new_unique(), _place().data, list(_place().accounts))
    raw = signed([pay, foreign, _place()], payer, OWNER)
    decoded = decode_transaction(document(raw), PROGRAM)
    assert [type(c) for c in decoded.commands] == [AddCommand]


def test_an_undecodable_trading_instruction_is_reported_not_guessed() -> None:
    place = _place()
    short = Instruction(PROGRAM, place.data[:-3], list(place.accounts))
    unknown = Instruction(PROGRAM, b"\x01" * 8, list(place.accounts))
    few = Instruction(PROGRAM, place.data, list(place.accounts)[:2])
    raw = signed([short, unknown, few, _place(order_id=8)], OWNER)
    decoded = decode_transaction(document(raw), PROGRAM)
    assert [c.order for c in decoded.commands] == [str(KEYS.order(OWNER.pubkey(), 8))]
    assert len(decoded.skipped) == 3
    assert "unknown discriminator" in decoded.skipped[1]
    assert "needs 8" in decoded.skipped[2]


def test_an_instruction_a_program_invokes_by_cpi_is_decoded_in_execution_order() -> None:
    router = Pubkey.new_unique()
    place, cancel = _place(order_id=1), _cancel(KEYS.order(OWNER.pubkey(), 2))
    # The router names every account its CPIs use, so they are in the transaction's keys.
    outer = Instruction(
        router, b"", [*place.accounts, *cancel.accounts, AccountMeta(PROGRAM, False, False)]
    )
    raw = signed([outer, _place(order_id=3)], OWNER)
    keys = account_keys(raw)
    inner = [(0, [compile_inner(place, keys), compile_inner(cancel, keys)])]
    decoded = decode_transaction(document(raw, inner=inner), PROGRAM)
    assert [(type(c).__name__, c.order) for c in decoded.commands] == [
        ("AddCommand", str(KEYS.order(OWNER.pubkey(), 1))),
        ("CancelCommand", str(KEYS.order(OWNER.pubkey(), 2))),
        ("AddCommand", str(KEYS.order(OWNER.pubkey(), 3))),
    ]


def test_a_v0_transaction_resolves_accounts_through_loaded_addresses() -> None:
    place = _place(order_id=4)
    order = KEYS.order(OWNER.pubkey(), 4)
    table = [KEYS.market, order, KEYS.energy_vault, KEYS.energy_mint]
    raw, loaded = signed_v0([place], OWNER, table)
    decoded = decode_transaction(document(raw, loaded=loaded), PROGRAM)
    [command] = decoded.commands
    assert (command.market, command.order) == (str(KEYS.market), str(order))


def test_the_json_encoding_decodes_like_base64() -> None:
    raw = signed([_place(order_id=11), _cancel(KEYS.order(OWNER.pubkey(), 11))], OWNER)
    assert decode_transaction(document(raw, encoding="json"), PROGRAM) == decode_transaction(
        document(raw), PROGRAM
    )


def test_the_clock_never_goes_back_and_a_missing_block_time_takes_the_floor() -> None:
    raw = signed([_place()], OWNER)
    assert (
        decode_transaction(document(raw, block_time=100), PROGRAM, floor_ms=50).timestamp_ms
        == 100_000
    )
    late = decode_transaction(document(raw, block_time=100), PROGRAM, floor_ms=100_500)
    assert late.timestamp_ms == 100_500
    assert late.commands[0].timestamp_ms == 100_500
    unknown = decode_transaction(document(raw, block_time=None), PROGRAM, floor_ms=7_000)
    assert (unknown.block_time_ms, unknown.timestamp_ms) == (None, 7_000)


@pytest.mark.parametrize(
    "broken",
    [
        {"slot": 1, "blockTime": 1, "meta": {"err": None}, "transaction": ["!!", "base64"]},
        {"slot": 1, "blockTime": 1, "meta": {"err": None}, "transaction": "nope"},
        {"slot": -1, "blockTime": 1, "meta": {"err": None}, "transaction": None},
        {"slot": 1, "blockTime": 1, "transaction": None},
    ],
)
def test_a_document_that_is_no_landed_transaction_is_refused(broken: dict[str, object]) -> None:
    with pytest.raises(TransactionDecodeError):
        decode_transaction(broken, PROGRAM)


def test_an_account_index_out_of_range_is_refused() -> None:
    raw = signed([_place()], OWNER)
    doc = document(raw, encoding="json")
    transaction = doc["transaction"]
    assert isinstance(transaction, dict)
    transaction["message"]["instructions"][0]["accounts"][0] = 99
    with pytest.raises(TransactionDecodeError, match="out of range"):
        decode_transaction(doc, PROGRAM)


@dataclass(frozen=True)
class _Step:
    kind: str
    owner: int
    order_id: int
    side: OrderSide
    price: int
    quantity: int
    expiry: int


_steps = st.builds(
    _Step,
    kind=st.sampled_from(["place", "cancel", "claim", "foreign"]),
    owner=st.integers(0, 2),
    order_id=st.integers(0, U64),
    side=st.sampled_from(list(OrderSide)),
    price=st.integers(1, U64),
    quantity=st.integers(1, U64),
    expiry=st.integers(0, I64),
)
_OWNERS = [Keypair() for _ in range(3)]


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(_steps, min_size=1, max_size=4),
    slot=st.integers(0, 2**40),
    block_time=st.none() | st.integers(0, 2**33),
    floor_ms=st.integers(0, 2**43),
    encoding=st.sampled_from(["base64", "json"]),
)
def test_commands_follow_the_instructions_one_for_one_in_order(
    steps: list[_Step], slot: int, block_time: int | None, floor_ms: int, encoding: str
) -> None:
    instructions = []
    expected: list[tuple[str, str, str]] = []
    for step in steps:
        owner = _OWNERS[step.owner]
        order = str(KEYS.order(owner.pubkey(), step.order_id))
        if step.kind == "place":
            instructions.append(
                _place(owner, step.order_id, step.side, step.price, step.quantity, step.expiry)
            )
            expected.append(("add", order, str(owner.pubkey())))
        elif step.kind == "cancel":
            instructions.append(_cancel(KEYS.order(owner.pubkey(), step.order_id), owner.pubkey()))
            expected.append(("cancel", order, str(owner.pubkey())))
        elif step.kind == "claim":
            instructions.append(
                claim_instruction(
                    KEYS,
                    KEYS.order(owner.pubkey(), step.order_id),
                    owner.pubkey(),
                    Pubkey.new_unique(),
                    Pubkey.new_unique(),
                )
            )
        else:
            instructions.append(Instruction(Pubkey.new_unique(), b"x", []))
    signers = sorted({s.owner for s in steps if s.kind in ("place", "cancel")})
    raw = signed(instructions, _OWNERS[0], *(_OWNERS[i] for i in signers if i != 0))
    decoded = decode_transaction(
        document(raw, slot=slot, block_time=block_time, encoding=encoding),
        PROGRAM,
        floor_ms=floor_ms,
    )
    timestamp = max(floor_ms, (block_time or 0) * 1000)
    assert [
        ("add" if isinstance(c, AddCommand) else "cancel", c.order, c.owner)
        for c in decoded.commands
    ] == expected
    assert all(
        (c.slot, c.signature, c.timestamp_ms, c.market)
        == (slot, decoded.signature, timestamp, str(KEYS.market))
        for c in decoded.commands
    )
    adds = iter(s for s in steps if s.kind == "place")
    for command in decoded.commands:
        if isinstance(command, AddCommand):
            step = next(adds)
            assert (
                command.order_id,
                command.price,
                command.quantity,
                command.expiry_s,
                command.side,
            ) == (
                step.order_id,
                step.price,
                step.quantity,
                step.expiry,
                Side.SELL if step.side is OrderSide.SELL else Side.BUY,
            )
            assert decode_command(command.market.encode(), encode_command(command)) == command
    assert decoded.skipped == ()
