"""The indexer carries an order's time in force from place_order to the matcher's add command
and the mirror's ``time_in_force`` column (migration 0013)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.accounts import TimeInForce as ChainTif
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderRequest,
    cancel_order_instruction,
    place_order_instruction,
)
from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.indexer.decoder import TouchKind, decode_transaction
from gridtokenx.indexer.mirror import placed_row, row_from_account
from gridtokenx.indexer.repository import Cursor, OrderMirror
from gridtokenx.market.orders import TimeInForce
from gridtokenx.market.wire import AddCommand, decode_command, encode_command
from tests.indexer.documents import document, signed
from tests.utils.databases import scratch_database

PROGRAM = Pubkey.new_unique()
KEYS = MarketKeys.derive(PROGRAM, Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique())
OWNER = Keypair()


def _place(time_in_force: ChainTif, order_id: int = 3) -> Instruction:
    request = OrderRequest(
        OWNER.pubkey(),
        order_id,
        OrderSide.BUY,
        100_000,
        10**6,
        Pubkey.new_unique(),
        0,
        time_in_force,
    )
    return place_order_instruction(KEYS, request)


def _add(instruction: Instruction) -> AddCommand:
    decoded = decode_transaction(document(signed([instruction], OWNER)), PROGRAM)
    assert decoded.skipped == ()
    [command] = decoded.commands
    assert isinstance(command, AddCommand)
    assert decode_command(command.market.encode(), encode_command(command)) == command
    return command


@pytest.mark.parametrize(
    ("chain_tif", "engine_tif", "post_only"),
    [
        (ChainTif.GTC, TimeInForce.GTC, False),
        (ChainTif.IOC, TimeInForce.IOC, False),
        (ChainTif.POST_ONLY, TimeInForce.GTC, True),
    ],
)
def test_place_order_s_time_in_force_reaches_the_add_command_and_the_row(
    chain_tif: ChainTif, engine_tif: TimeInForce, post_only: bool
) -> None:
    add = _add(_place(chain_tif))
    assert (add.time_in_force, add.post_only) == (engine_tif, post_only)
    assert placed_row(add).time_in_force is chain_tif


def test_the_arguments_without_time_in_force_decode_as_gtc() -> None:
    instruction = _place(ChainTif.IOC)
    legacy = Instruction(instruction.program_id, instruction.data[:-1], instruction.accounts)
    add = _add(legacy)
    assert (add.time_in_force, add.post_only, add.quantity) == (TimeInForce.GTC, False, 10**6)


def test_an_unknown_time_in_force_is_skipped_not_guessed() -> None:
    instruction = _place(ChainTif.GTC)
    bad = Instruction(instruction.program_id, instruction.data[:-1] + b"\x03", instruction.accounts)
    decoded = decode_transaction(document(signed([bad], OWNER)), PROGRAM)
    assert decoded.commands == ()
    assert len(decoded.skipped) == 1
    assert "time in force 3" in decoded.skipped[0]


def test_the_matcher_s_cancel_touches_the_order_without_a_command() -> None:
    matcher = Keypair()
    order = KEYS.order(OWNER.pubkey(), 3)
    cancel = cancel_order_instruction(
        KEYS,
        order,
        OWNER.pubkey(),
        Pubkey.new_unique(),
        Pubkey.new_unique(),
        matcher=matcher.pubkey(),
    )
    decoded = decode_transaction(document(signed([cancel], matcher)), PROGRAM)
    assert decoded.commands == ()
    assert [(t.kind, t.order) for t in decoded.touches] == [(TouchKind.CANCEL, str(order))]


def test_a_row_from_an_account_takes_its_time_in_force() -> None:
    account = Order(
        market=KEYS.market,
        owner=OWNER.pubkey(),
        order_id=1,
        price=1,
        quantity=5,
        filled=0,
        escrow=5,
        claimable_energy=0,
        claimable_quote=0,
        expiry=0,
        created_at=0,
        side=OrderSide.SELL,
        bump=255,
        time_in_force=ChainTif.POST_ONLY,
    )
    decoded = Order.decode(account.encode())
    assert decoded.time_in_force == ChainTif.POST_ONLY
    assert row_from_account("x", decoded, 4).time_in_force is ChainTif.POST_ONLY


@pytest.fixture
def database(running_stack: Settings) -> Iterator[str]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres.url


@pytest.mark.integration
def test_the_mirror_stores_time_in_force_and_old_rows_default_to_gtc(database: str) -> None:
    mirror = OrderMirror(database, str(PROGRAM))
    try:
        base = placed_row(_add(_place(ChainTif.GTC)))
        rows = [
            replace(base, order=str(Pubkey.new_unique()), time_in_force=tif) for tif in ChainTif
        ]
        mirror.commit(rows, Cursor("4" * 88, 12, 0))
        assert mirror.rows([row.order for row in rows]) == {row.order: row for row in rows}
    finally:
        mirror.close()
    with psycopg.connect(database, autocommit=True) as connection:
        # A row written without the column (as before the migration) is GTC.
        connection.execute(
            "INSERT INTO chain_orders (order_account, market, owner, order_id, side, price, "
            "quantity, expiry_s, filled, escrow, claimable_energy, claimable_quote, status, "
            "updated_slot) VALUES ('old', 'm', 'o', 1, 'buy', 1, 1, 0, 0, 1, 0, 0, 'open', 1)"
        )
        default = connection.execute(
            "SELECT time_in_force FROM chain_orders WHERE order_account = 'old'"
        ).fetchone()
        assert default == ("gtc",)
        with pytest.raises(psycopg.errors.CheckViolation):
            connection.execute(
                "UPDATE chain_orders SET time_in_force = 'fok' WHERE order_account = 'old'"
            )
