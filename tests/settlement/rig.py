"""Real orders on a private bootstrapped chain and the trades the matcher would publish for them.

Sellers hold GXT the Registry minted from readings signed for their own meters, buyers local
USDC from the faucet (``tests.utils.traders``).
Trades are produced to a scratch ``trades`` topic exactly as the matcher encodes them.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import psycopg
from confluent_kafka import Producer
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import ChainAddresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
)
from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderRequest,
    cancel_order_instruction,
    place_order_instruction,
)
from gridtokenx.config import Settings
from gridtokenx.market.orders import Side
from gridtokenx.market.wire import TradeMessage, encode_trade
from tests.minting.rig import START_MS
from tests.utils.traders import SOL, funded_traders, trader_funding

KWH = 1_000_000
"""GXT base units per kWh."""


@dataclass(frozen=True)
class PlacedOrder:
    address: Pubkey
    owner: Keypair
    side: OrderSide
    price: int
    quantity: int


@dataclass
class TradingRig:
    settings: Settings
    client: ChainClient
    addresses: ChainAddresses
    sellers: list[Keypair]
    buyers: list[Keypair]
    trades: list[TradeMessage] = field(default_factory=list)
    _order_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def keys(self) -> MarketKeys:
        return self.addresses.market_keys()

    async def place(
        self, owner: Keypair, side: OrderSide, price: int, quantity: int, expiry: int = 0
    ) -> PlacedOrder:
        mint = self.keys.energy_mint if side is OrderSide.SELL else self.keys.quote_mint
        request = OrderRequest(
            owner.pubkey(),
            next(self._order_ids),
            side,
            price,
            quantity,
            associated_token_address(owner.pubkey(), mint),
            expiry,
        )
        await self.client.send_and_confirm(
            [place_order_instruction(self.keys, request)], [owner], owner
        )
        address = self.keys.order(owner.pubkey(), request.order_id)
        return PlacedOrder(address, owner, side, price, quantity)

    async def cancel(self, order: PlacedOrder) -> None:
        owner = order.owner.pubkey()
        instruction = cancel_order_instruction(
            self.keys,
            order.address,
            owner,
            associated_token_address(owner, self.keys.energy_mint),
            associated_token_address(owner, self.keys.quote_mint),
        )
        # Cancel pays into both of the owner's token accounts: create whichever is missing.
        create = [
            create_associated_token_account_idempotent(owner, owner, mint)
            for mint in (self.keys.energy_mint, self.keys.quote_mint)
        ]
        await self.client.send_and_confirm([*create, instruction], [order.owner], order.owner)

    def trade(self, buy: PlacedOrder, sell: PlacedOrder, price: int, quantity: int) -> None:
        """The next trade of the market between ``buy`` and ``sell`` (as the matcher emits)."""
        trade_id = len(self.trades) + 1
        self.trades.append(
            TradeMessage(
                market=str(self.addresses.market),
                trade_id=trade_id,
                sequence=trade_id * 3,
                buy_order=str(buy.address),
                sell_order=str(sell.address),
                buyer=str(buy.owner.pubkey()),
                seller=str(sell.owner.pubkey()),
                price=price,
                quantity=quantity,
                maker_side=Side.SELL,
                timestamp_ms=START_MS + trade_id,
                command_offset=trade_id,
                buy_order_offset=0,
                sell_order_offset=0,
            )
        )

    def produce(self, topic: str, extra: Sequence[bytes] = (), *, twice: bool = False) -> None:
        """Every trade (``twice``: each record two times) and ``extra`` raw values."""
        producer = Producer({"bootstrap.servers": self.settings.kafka.bootstrap_servers})
        copies = 2 if twice else 1
        for trade in self.trades:
            for _ in range(copies):
                producer.produce(topic, key=trade.market.encode(), value=encode_trade(trade))
        for value in extra:
            producer.produce(topic, key=str(self.addresses.market).encode(), value=value)
        assert producer.flush(30) == 0

    async def order(self, address: Pubkey) -> Order | None:
        account = await self.client.rpc.get_account_info(address)
        if account is None or account.owner != self.addresses.trading_program:
            return None
        return Order.decode(account.data)

    async def balance(self, owner: Keypair, mint: Pubkey) -> int:
        account = associated_token_address(owner.pubkey(), mint)
        if await self.client.rpc.get_account_info(account) is None:
            return 0
        return await self.client.rpc.get_token_account_balance(account)

    def statuses(self) -> dict[int, tuple[str, str | None]]:
        """trade_id → (status, reason) as the ledger holds them."""
        with psycopg.connect(self.settings.postgres.url) as connection:
            rows = connection.execute(
                "SELECT trade_id, status, reason FROM settlement_trades"
            ).fetchall()
        return {int(trade_id): (status, reason) for trade_id, status, reason in rows}


@asynccontextmanager
async def trading_rig(
    settings: Settings,
    *,
    sellers: int,
    buyers: int,
    energy_wh: int,
    usdc_base_units: int,
) -> AsyncIterator[TradingRig]:
    """``sellers`` wallets holding ``energy_wh`` of minted GXT each and ``buyers`` wallets with
    ``usdc_base_units`` of local USDC, all with SOL for fees and order rent."""
    async with trader_funding(settings) as funding:
        selling = await funded_traders(funding, sellers, energy_wh=energy_wh, lamports=2 * SOL)
        buying = await funded_traders(
            funding, buyers, usdc_base_units=usdc_base_units, lamports=2 * SOL
        )
        yield TradingRig(
            settings,
            funding.client,
            funding.addresses,
            [trader.wallet for trader in selling],
            [trader.wallet for trader in buying],
        )
