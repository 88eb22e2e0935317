"""What the routes share in one worker: settings, services and the clients behind them."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.config import Settings
from gridtokenx.gateway.account_service import AccountService
from gridtokenx.gateway.auth_service import AuthService
from gridtokenx.gateway.energy_context import EnergyBackends
from gridtokenx.gateway.order_repository import OrderRepository
from gridtokenx.gateway.order_service import OrderService
from gridtokenx.gateway.repository import AccountsRepository
from gridtokenx.gateway.store import SessionStore


@dataclass(slots=True, kw_only=True)
class GatewayContext:
    settings: Settings
    engine: AsyncEngine
    redis: Redis
    store: SessionStore
    accounts: AccountsRepository
    auth: AuthService
    account_service: AccountService
    energy: EnergyBackends
    orders: OrderService
    order_records: OrderRepository

    async def close(self) -> None:
        await self.energy.close()
        await self.redis.aclose()
        await self.engine.dispose()
        await self.orders.chain.aclose()
