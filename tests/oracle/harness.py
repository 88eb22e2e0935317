"""The local receiver (``programs/pyth_local``) in LiteSVM at Pyth's receiver program id."""

from __future__ import annotations

from dataclasses import dataclass

from solders.clock import Clock
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

from gridtokenx.oracle.feeds import RECEIVER_PROGRAM_ID, price_feed_address
from gridtokenx.oracle.price_update import PriceUpdate, decode_price_update
from gridtokenx.oracle.program.instructions import InitPriceFeed, UpdatePrice
from tests.utils.svm import SOL, OperatedSvm, build_program

CLOCK_UNIX_S = 1_800_000_000
FEED_ID = bytes(range(32))


@dataclass
class PythLocalHarness(OperatedSvm):
    authority: Keypair

    @classmethod
    def create(cls) -> PythLocalHarness:
        svm = LiteSVM()
        svm.add_program(RECEIVER_PROGRAM_ID, build_program("pyth_local"))
        operator, authority = Keypair(), Keypair()
        svm.airdrop(operator.pubkey(), 10 * SOL)
        harness = cls(svm, operator, authority)
        harness.set_time(CLOCK_UNIX_S, slot=1_000)
        return harness

    def set_time(self, unix_s: int, slot: int) -> None:
        self.svm.set_clock(Clock(slot, unix_s, 0, 0, unix_s))

    def feed_address(self, feed_id: bytes = FEED_ID, shard_id: int = 0) -> Pubkey:
        return price_feed_address(RECEIVER_PROGRAM_ID, feed_id, shard_id)

    def init_instruction(
        self,
        feed_id: bytes = FEED_ID,
        shard_id: int = 0,
        *,
        address: Pubkey | None = None,
        authority: Pubkey | None = None,
    ) -> Instruction:
        return InitPriceFeed(shard_id, feed_id).instruction(
            RECEIVER_PROGRAM_ID,
            {
                "price_feed": address or self.feed_address(feed_id, shard_id),
                "write_authority": authority or self.authority.pubkey(),
                "payer": self.operator.pubkey(),
            },
        )

    def update_instruction(
        self,
        publish_time: int,
        price: int = 3_350_000_000,
        *,
        address: Pubkey | None = None,
        authority: Pubkey | None = None,
        conf: int = 1_000_000,
        exponent: int = -8,
    ) -> Instruction:
        return UpdatePrice(
            price, conf, exponent, publish_time, publish_time - 1, price, conf
        ).instruction(
            RECEIVER_PROGRAM_ID,
            {
                "price_feed": address or self.feed_address(),
                "write_authority": authority or self.authority.pubkey(),
            },
        )

    def init_feed(self) -> Pubkey:
        self.expect_ok([self.init_instruction()], [self.authority])
        return self.feed_address()

    def price_update(self, address: Pubkey | None = None) -> PriceUpdate:
        account = self.svm.get_account(address or self.feed_address())
        assert account is not None
        assert account.owner == RECEIVER_PROGRAM_ID
        return decode_price_update(bytes(account.data))
