"""The local receiver's instructions and every check, in LiteSVM at the receiver's program id."""

from __future__ import annotations

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.transaction_metadata import FailedTransactionMetadata

from gridtokenx.oracle.feeds import RECEIVER_PROGRAM_ID
from gridtokenx.oracle.price_update import FULL_VERIFICATION, PRICE_UPDATE_V2_LEN
from gridtokenx.oracle.program.accounts import PriceUpdateV2
from gridtokenx.oracle.program.errors import PythLocalErrorCode as Code
from gridtokenx.oracle.program.instructions import InitPriceFeed, UpdatePrice
from tests.oracle.harness import CLOCK_UNIX_S, FEED_ID, PythLocalHarness


@pytest.fixture
def harness() -> PythLocalHarness:
    return PythLocalHarness.create()


def _with_metas(instruction: Instruction, metas: list[AccountMeta]) -> Instruction:
    return Instruction(instruction.program_id, instruction.data, metas)


class TestInitPriceFeed:
    def test_creates_a_full_verification_price_update_with_no_price(
        self, harness: PythLocalHarness
    ) -> None:
        address = harness.init_feed()
        account = harness.svm.get_account(address)
        assert account is not None
        assert len(account.data) == PRICE_UPDATE_V2_LEN
        update = harness.price_update()
        assert update.write_authority == harness.authority.pubkey()
        assert update.verification == FULL_VERIFICATION
        assert update.feed_id == FEED_ID
        assert (update.price, update.publish_time, update.posted_slot) == (0, 0, 0)
        # The IDL's account declaration decodes the same bytes.
        assert PriceUpdateV2.decode(bytes(account.data)).verification_level == 1

    def test_the_address_is_the_pda_of_shard_and_feed(self, harness: PythLocalHarness) -> None:
        harness.expect_ok([harness.init_instruction(FEED_ID, shard_id=3)], [harness.authority])
        assert harness.price_update(harness.feed_address(FEED_ID, 3)).feed_id == FEED_ID

    def test_refuses_another_address(self, harness: PythLocalHarness) -> None:
        wrong = harness.feed_address(bytes(32))
        harness.expect_error(
            Code.WRONG_PDA, [harness.init_instruction(address=wrong)], [harness.authority]
        )

    def test_refuses_a_second_creation(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        harness.svm.expire_blockhash()
        harness.expect_error(
            Code.ALREADY_INITIALIZED, [harness.init_instruction()], [harness.authority]
        )

    def test_needs_the_write_authority_to_sign(self, harness: PythLocalHarness) -> None:
        instruction = harness.init_instruction()
        metas = list(instruction.accounts)
        metas[1] = AccountMeta(harness.authority.pubkey(), is_signer=False, is_writable=False)
        harness.expect_error(Code.MISSING_SIGNER, [_with_metas(instruction, metas)])

    def test_needs_a_writable_feed_account(self, harness: PythLocalHarness) -> None:
        instruction = harness.init_instruction()
        metas = list(instruction.accounts)
        metas[0] = AccountMeta(harness.feed_address(), is_signer=False, is_writable=False)
        harness.expect_error(
            Code.ACCOUNT_NOT_WRITABLE, [_with_metas(instruction, metas)], [harness.authority]
        )

    def test_needs_the_system_program(self, harness: PythLocalHarness) -> None:
        instruction = harness.init_instruction()
        metas = list(instruction.accounts)
        metas[3] = AccountMeta(Pubkey.new_unique(), is_signer=False, is_writable=False)
        harness.expect_error(
            Code.WRONG_PROGRAM_ID, [_with_metas(instruction, metas)], [harness.authority]
        )

    def test_needs_four_accounts_and_exact_data(self, harness: PythLocalHarness) -> None:
        instruction = harness.init_instruction()
        short = _with_metas(instruction, list(instruction.accounts)[:3])
        harness.expect_error(Code.NOT_ENOUGH_ACCOUNTS, [short], [harness.authority])
        long_data = Instruction(RECEIVER_PROGRAM_ID, instruction.data + b"\0", instruction.accounts)
        harness.expect_error(Code.INVALID_INSTRUCTION_DATA, [long_data], [harness.authority])


class TestUpdatePrice:
    def test_writes_the_message_and_the_slot(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        publish = CLOCK_UNIX_S - 2
        harness.expect_ok(
            [harness.update_instruction(publish, 3_361_250_000, conf=420_000)], [harness.authority]
        )
        update = harness.price_update()
        assert (update.price, update.conf, update.exponent) == (3_361_250_000, 420_000, -8)
        assert (update.publish_time, update.prev_publish_time) == (publish, publish - 1)
        assert (update.ema_price, update.ema_conf) == (3_361_250_000, 420_000)
        assert update.posted_slot == 1_000
        assert update.feed_id == FEED_ID
        assert update.verification == FULL_VERIFICATION

    def test_publish_time_must_increase(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        harness.expect_ok([harness.update_instruction(CLOCK_UNIX_S)], [harness.authority])
        before = harness.snapshot([harness.feed_address()])
        for publish in (CLOCK_UNIX_S, CLOCK_UNIX_S - 1):
            harness.expect_error(
                Code.PUBLISH_TIME_NOT_INCREASING,
                [harness.update_instruction(publish, 1)],
                [harness.authority],
            )
        assert harness.snapshot([harness.feed_address()]) == before
        harness.expect_ok([harness.update_instruction(CLOCK_UNIX_S + 1)], [harness.authority])

    def test_publish_time_may_not_run_ahead_of_the_clock(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        harness.expect_error(
            Code.PUBLISH_TIME_IN_FUTURE,
            [harness.update_instruction(CLOCK_UNIX_S + 61)],
            [harness.authority],
        )
        harness.expect_ok([harness.update_instruction(CLOCK_UNIX_S + 60)], [harness.authority])

    def test_only_the_stored_write_authority_may_update(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        intruder = Keypair()
        harness.expect_error(
            Code.UNAUTHORIZED,
            [harness.update_instruction(CLOCK_UNIX_S, authority=intruder.pubkey())],
            [intruder],
        )

    def test_the_write_authority_must_sign(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        instruction = harness.update_instruction(CLOCK_UNIX_S)
        metas = [
            instruction.accounts[0],
            AccountMeta(harness.authority.pubkey(), is_signer=False, is_writable=False),
        ]
        harness.expect_error(Code.MISSING_SIGNER, [_with_metas(instruction, metas)])

    def test_the_feed_must_be_writable(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        instruction = harness.update_instruction(CLOCK_UNIX_S)
        metas = [
            AccountMeta(harness.feed_address(), is_signer=False, is_writable=False),
            instruction.accounts[1],
        ]
        harness.expect_error(
            Code.ACCOUNT_NOT_WRITABLE, [_with_metas(instruction, metas)], [harness.authority]
        )

    def test_refuses_an_account_of_another_owner(self, harness: PythLocalHarness) -> None:
        # The payer's own wallet: system-owned, writable, but not a price feed.
        wallet = harness.operator.pubkey()
        harness.expect_error(
            Code.WRONG_ACCOUNT_OWNER,
            [harness.update_instruction(CLOCK_UNIX_S, address=wallet)],
            [harness.authority],
        )

    def test_refuses_program_owned_bytes_that_are_not_a_price_update(
        self, harness: PythLocalHarness
    ) -> None:
        address = harness.init_feed()
        account = harness.svm.get_account(address)
        assert account is not None
        forged = Pubkey.new_unique()
        data = bytearray(account.data)
        data[0] ^= 0xFF
        harness.svm.set_account(
            forged,
            type(account)(account.lamports, bytes(data), RECEIVER_PROGRAM_ID, False, 0),
        )
        harness.expect_error(
            Code.INVALID_ACCOUNT_DATA,
            [harness.update_instruction(CLOCK_UNIX_S, address=forged)],
            [harness.authority],
        )

    def test_needs_two_accounts_and_exact_data(self, harness: PythLocalHarness) -> None:
        harness.init_feed()
        instruction = harness.update_instruction(CLOCK_UNIX_S)
        harness.expect_error(
            Code.NOT_ENOUGH_ACCOUNTS, [_with_metas(instruction, [instruction.accounts[0]])]
        )
        short = Instruction(RECEIVER_PROGRAM_ID, instruction.data[:-1], instruction.accounts)
        harness.expect_error(Code.INVALID_INSTRUCTION_DATA, [short], [harness.authority])


def test_unknown_instructions_are_refused(harness: PythLocalHarness) -> None:
    bogus = Instruction(RECEIVER_PROGRAM_ID, bytes(8), [])
    harness.expect_error(Code.UNKNOWN_INSTRUCTION, [bogus])
    result = harness.send([Instruction(RECEIVER_PROGRAM_ID, b"\x01", [])])
    assert isinstance(result, FailedTransactionMetadata)


def test_every_idl_instruction_is_dispatched(harness: PythLocalHarness) -> None:
    for instruction_type in (InitPriceFeed, UpdatePrice):
        data = instruction_type.discriminator()  # no arguments: a length error, not "unknown"
        instruction = Instruction(
            RECEIVER_PROGRAM_ID,
            data,
            [AccountMeta(Pubkey.new_unique(), is_signer=False, is_writable=True) for _ in range(4)]
            + [AccountMeta(SYSTEM_PROGRAM_ID, is_signer=False, is_writable=False)],
        )
        harness.expect_error(Code.INVALID_INSTRUCTION_DATA, [instruction])
