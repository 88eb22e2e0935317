"""A Trading program deployed in LiteSVM through the upgradeable loader, with markets of fresh
GXT-like and USDC-like mints, funded traders and the accounts a failed instruction must leave
untouched."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from solders.account import Account
from solders.address_lookup_table_account import ID as LOOKUP_TABLE_PROGRAM_ID
from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.clock import Clock
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import MessageV0
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, create_account
from solders.token import ID as TOKEN_PROGRAM_ID
from solders.transaction import VersionedTransaction
from spl.token.instructions import (
    create_associated_token_account,
    get_associated_token_address,
    initialize_mint,
    mint_to,
)
from spl.token.models import InitializeMintParams, MintToParams

from gridtokenx.chain.deploy import LiteSvmSubmitter, deploy_program
from gridtokenx.chain.program_ids import TRADING, local_program_keypair
from gridtokenx.chain.svm import execute
from gridtokenx.chain.traders import Trader as Trader
from gridtokenx.chain.trading.accounts import Market, Order, OrderSide, TimeInForce
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderFill,
    OrderRequest,
    cancel_order_instruction,
    claim_instruction,
    initialize_market_instruction,
    place_order_instruction,
    settle_instruction,
)
from gridtokenx.chain.trading.errors import TradingErrorCode
from tests.utils.svm import MINT_LEN, SOL, OperatedSvm, Result

KWH = 1_000_000  # GXT base units per kWh
USDC = 1_000_000  # USDC base units per USDC
START_TIME = 1_790_000_000  # unix seconds (September 2026)


def with_account(
    instruction: Instruction,
    index: int,
    address: Pubkey | None = None,
    *,
    signer: bool | None = None,
    writable: bool | None = None,
) -> Instruction:
    """``instruction`` with account ``index`` replaced or its flags changed (an attack)."""
    metas = list(instruction.accounts)
    old = metas[index]
    metas[index] = AccountMeta(
        old.pubkey if address is None else address,
        is_signer=old.is_signer if signer is None else signer,
        is_writable=old.is_writable if writable is None else writable,
    )
    return Instruction(instruction.program_id, instruction.data, metas)


def with_data(instruction: Instruction, data: bytes) -> Instruction:
    return Instruction(instruction.program_id, data, list(instruction.accounts))


@dataclass
class TradingChain(OperatedSvm):
    """LiteSVM with the Trading program deployed; the operator pays every transaction."""

    program_id: Pubkey

    @classmethod
    def deploy(cls, program_bytes: bytes) -> TradingChain:
        svm = LiteSVM()
        operator = Keypair()
        svm.airdrop(operator.pubkey(), 1_000 * SOL)
        program = local_program_keypair(TRADING)
        deploy_program(LiteSvmSubmitter(svm), operator, program, program_bytes)
        chain = cls(svm, operator, program.pubkey())
        # LiteSVM's clock starts at 0, which an order's expiry reads as "never".
        chain.advance_clock(START_TIME)
        return chain

    def send_with_lookup_table(
        self, instructions: Sequence[Instruction], signer: Keypair, addresses: Sequence[Pubkey]
    ) -> Result:
        """A v0 transaction paid and signed by ``signer`` that names ``addresses`` through an
        address lookup table (1 byte each instead of 32)."""
        table = Pubkey.new_unique()
        # The table's bincode layout: state tag 1, deactivation slot (never), last extended slot,
        # its start index, Some(authority), 2 bytes of padding, then the addresses.
        meta = struct.pack("<IQQB", 1, 2**64 - 1, 0, 0) + b"\x01" + bytes(signer.pubkey())
        data = meta + bytes(2) + b"".join(bytes(address) for address in addresses)
        rent = self.svm.minimum_balance_for_rent_exemption(len(data))
        self.svm.set_account(table, Account(rent, data, LOOKUP_TABLE_PROGRAM_ID, False, 0))
        # Addresses become usable in the slot after the one that added them.
        self.svm.warp_to_slot(self.svm.get_clock().slot + 1)
        self.svm.expire_blockhash()
        message = MessageV0.try_compile(
            signer.pubkey(),
            list(instructions),
            [AddressLookupTableAccount(table, list(addresses))],
            self.svm.latest_blockhash(),
        )
        return execute(self.svm, VersionedTransaction(message, [signer]))

    def create_mint(self, decimals: int = 6) -> Pubkey:
        """A new SPL Token mint whose mint authority is the operator."""
        mint = Keypair()
        create = CreateAccountParams(
            from_pubkey=self.operator.pubkey(),
            to_pubkey=mint.pubkey(),
            lamports=self.svm.minimum_balance_for_rent_exemption(MINT_LEN),
            space=MINT_LEN,
            owner=TOKEN_PROGRAM_ID,
        )
        initialize = InitializeMintParams(
            decimals=decimals,
            program_id=TOKEN_PROGRAM_ID,
            mint=mint.pubkey(),
            mint_authority=self.operator.pubkey(),
        )
        self.expect_ok([create_account(create), initialize_mint(initialize)], [mint])
        return mint.pubkey()

    def token_account(self, owner: Pubkey, mint: Pubkey) -> Pubkey:
        address = get_associated_token_address(owner, mint)
        if self.svm.get_account(address) is None:
            self.expect_ok([create_associated_token_account(self.operator.pubkey(), owner, mint)])
        return address

    def mint_to(self, mint: Pubkey, destination: Pubkey, amount: int) -> None:
        if amount:
            params = MintToParams(
                program_id=TOKEN_PROGRAM_ID,
                mint=mint,
                dest=destination,
                mint_authority=self.operator.pubkey(),
                amount=amount,
            )
            self.expect_ok([mint_to(params)])

    def lamports(self, address: Pubkey) -> int:
        account = self.svm.get_account(address)
        return 0 if account is None else account.lamports

    def now(self) -> int:
        return self.svm.get_clock().unix_timestamp

    def advance_clock(self, seconds: int) -> None:
        clock = self.svm.get_clock()
        self.svm.set_clock(
            Clock(
                clock.slot + 1,
                clock.epoch_start_timestamp,
                clock.epoch,
                clock.leader_schedule_epoch,
                clock.unix_timestamp + seconds,
            )
        )

    def open_market(self, fee_bps: int = 25) -> MarketFixture:
        energy_mint, quote_mint = self.create_mint(), self.create_mint()
        treasury = Keypair()
        fee_vault = self.token_account(treasury.pubkey(), quote_mint)
        keys = MarketKeys.derive(self.program_id, energy_mint, quote_mint, fee_vault)
        matcher = self.funded()
        self.expect_ok(
            [initialize_market_instruction(keys, self.operator.pubkey(), matcher.pubkey(), fee_bps)]
        )
        return MarketFixture(self, keys, matcher, fee_bps)


@dataclass
class MarketFixture:
    """One market and everyone who trades on it."""

    chain: TradingChain
    keys: MarketKeys
    matcher: Keypair
    fee_bps: int
    traders: list[Trader] = field(default_factory=list)
    orders: list[Pubkey] = field(default_factory=list)
    _next_order_id: int = 1

    def new_trader(self, energy: int = 0, quote: int = 0) -> Trader:
        wallet = self.chain.funded()
        trader = Trader(
            wallet,
            self.chain.token_account(wallet.pubkey(), self.keys.energy_mint),
            self.chain.token_account(wallet.pubkey(), self.keys.quote_mint),
        )
        self.chain.mint_to(self.keys.energy_mint, trader.energy_account, energy)
        self.chain.mint_to(self.keys.quote_mint, trader.quote_account, quote)
        self.traders.append(trader)
        return trader

    def order_request(
        self,
        trader: Trader,
        side: OrderSide,
        price: int,
        quantity: int,
        expiry: int = 0,
        time_in_force: TimeInForce = TimeInForce.GTC,
    ) -> OrderRequest:
        order_id = self._next_order_id
        self._next_order_id += 1
        source = trader.energy_account if side is OrderSide.SELL else trader.quote_account
        request = OrderRequest(
            trader.key, order_id, side, price, quantity, source, expiry, time_in_force
        )
        self.orders.append(self.keys.order(trader.key, order_id))
        return request

    def place(
        self,
        trader: Trader,
        side: OrderSide,
        price: int,
        quantity: int,
        expiry: int = 0,
        time_in_force: TimeInForce = TimeInForce.GTC,
    ) -> Pubkey:
        request = self.order_request(trader, side, price, quantity, expiry, time_in_force)
        self.chain.expect_ok([place_order_instruction(self.keys, request)], [trader.wallet])
        return self.keys.order(trader.key, request.order_id)

    def settle(self, fills: Sequence[OrderFill]) -> Instruction:
        return settle_instruction(self.keys, self.matcher.pubkey(), fills)

    def owner_of(self, order: Pubkey) -> Trader:
        state = self.order_state(order)
        assert state is not None, "the order is closed"
        return next(t for t in self.traders if t.key == state.owner)

    def cancel(
        self,
        order: Pubkey,
        trader: Trader,
        *,
        owner_signs: bool = True,
        matcher: Pubkey | None = None,
    ) -> Instruction:
        """``matcher``: cancelled by that key (the market's matcher for a non-GTC order)."""
        return cancel_order_instruction(
            self.keys,
            order,
            trader.key,
            trader.energy_account,
            trader.quote_account,
            owner_signs=owner_signs,
            matcher=matcher,
        )

    def claim(self, order: Pubkey, trader: Trader) -> Instruction:
        return claim_instruction(
            self.keys, order, trader.key, trader.energy_account, trader.quote_account
        )

    def order_state(self, order: Pubkey) -> Order | None:
        account = self.chain.svm.get_account(order)
        if account is None or account.owner != self.chain.program_id:
            return None
        return Order.decode(bytes(account.data))

    def market_state(self) -> Market:
        account = self.chain.svm.get_account(self.keys.market)
        assert account is not None
        return Market.decode(bytes(account.data))

    def watched(self) -> list[Pubkey]:
        """Every account of this market a failed instruction must leave as it was."""
        addresses = [
            self.keys.market,
            self.keys.energy_vault,
            self.keys.quote_vault,
            self.keys.fee_vault,
            self.keys.energy_mint,
            self.keys.quote_mint,
            self.matcher.pubkey(),
        ]
        for trader in self.traders:
            addresses += [trader.key, trader.energy_account, trader.quote_account]
        return addresses + self.orders

    def expect_refused(
        self,
        code: TradingErrorCode,
        instructions: Sequence[Instruction],
        signers: Sequence[Keypair] = (),
    ) -> None:
        """The instructions fail with ``code`` and no account of the market changes."""
        before = self.chain.snapshot(self.watched())
        self.chain.expect_error(code, instructions, signers)
        assert self.chain.snapshot(self.watched()) == before
