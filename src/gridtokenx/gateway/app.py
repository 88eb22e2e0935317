"""The gateway's FastAPI application: routers under ``/v1``, errors, request ids, CORS.

``create_app(settings)`` builds one worker's app; its lifespan opens the PostgreSQL pool and
the Redis client and closes them again. Nothing else is kept in the process, so any number of
workers or hosts can serve the same users (sessions and nonces live in Redis, accounts in
PostgreSQL, and the token key is shared through settings or the state directory).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gridtokenx.config import Settings, get_settings
from gridtokenx.gateway.account_service import AccountService
from gridtokenx.gateway.auth_service import AuthService
from gridtokenx.gateway.book_fast_path import BookFastPath
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.database import create_engine
from gridtokenx.gateway.energy_context import EnergyBackends
from gridtokenx.gateway.handlers import install_error_handlers
from gridtokenx.gateway.logs import configure_logging
from gridtokenx.gateway.mailer import Mailer
from gridtokenx.gateway.middleware import RequestContextMiddleware
from gridtokenx.gateway.notification_repository import NotificationRepository
from gridtokenx.gateway.operator_market import MarketParameters
from gridtokenx.gateway.operators import operator_wallets
from gridtokenx.gateway.order_chain import OrderChain
from gridtokenx.gateway.order_repository import OrderRepository
from gridtokenx.gateway.order_service import OrderService
from gridtokenx.gateway.rate_limits import RateLimitMiddleware
from gridtokenx.gateway.repository import AccountsRepository
from gridtokenx.gateway.routes import accounts, auth, energy, grid, health, me
from gridtokenx.gateway.routes import market as market_routes
from gridtokenx.gateway.routes import meter_keys as meter_key_routes
from gridtokenx.gateway.routes import meter_registrations as meter_registration_routes
from gridtokenx.gateway.routes import notifications as notification_routes
from gridtokenx.gateway.routes import operator as operator_routes
from gridtokenx.gateway.routes import orders as order_routes
from gridtokenx.gateway.routes import statements as statement_routes
from gridtokenx.gateway.routes import ws as ws_routes
from gridtokenx.gateway.security_events import SecurityEvents
from gridtokenx.gateway.store import SessionStore
from gridtokenx.gateway.token_secret import load_token_secret

_REDIS_TIMEOUT_S = 3.0
ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    me.router,
    accounts.router,
    order_routes.router,
    energy.router,
    grid.router,
    market_routes.router,
    ws_routes.router,
    operator_routes.router,
    statement_routes.router,
    notification_routes.router,
    meter_registration_routes.router,
    meter_key_routes.router,
)
"""Every router of the API, in the order they are mounted."""


def _now() -> datetime:
    return datetime.now(UTC)


def build_context(settings: Settings, clock: Callable[[], datetime] = _now) -> GatewayContext:
    engine = create_engine(settings.postgres)
    redis = Redis(
        host=settings.redis.host,
        port=settings.redis.port,
        socket_timeout=_REDIS_TIMEOUT_S,
        socket_connect_timeout=_REDIS_TIMEOUT_S,
        # One immediate retry (a pooled connection may be stale after Redis restarted), no
        # backoff: redis-py's default sleeps about 3 s per request while Redis is down, which
        # would stall every request (and /v1/health) instead of answering 503 at once.
        retry=Retry(NoBackoff(), retries=1),
    )
    store = SessionStore(redis)
    repository = AccountsRepository(engine)
    auth_service = AuthService(
        settings.gateway,
        store=store,
        accounts=repository,
        token_secret=load_token_secret(settings),
        operators=operator_wallets(settings),
        clock=clock,
        security=SecurityEvents(
            NotificationRepository(engine),
            mailer=Mailer(settings.gateway),
            redis=redis,
            app_url=settings.gateway.sign_in_uri,
        ),
    )
    account_service = AccountService(
        settings.gateway, accounts=repository, mailer=Mailer(settings.gateway), clock=clock
    )
    return GatewayContext(
        settings=settings,
        engine=engine,
        redis=redis,
        store=store,
        accounts=repository,
        auth=auth_service,
        account_service=account_service,
        energy=EnergyBackends.build(settings, engine, redis),
        orders=OrderService(
            settings,
            OrderChain(settings),
            clock,
            parameters=MarketParameters(engine, settings.orders),
        ),
        order_records=OrderRepository(engine),
    )


def create_app(settings: Settings, clock: Callable[[], datetime] = _now) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = build_context(settings, clock)
        app.state.context = context
        try:
            yield
        finally:
            await context.close()

    app = FastAPI(
        title="GridTokenX API gateway",
        version="1",
        description=(
            "REST API of the GridTokenX energy market. Every error answers "
            "`{code, message, details}` with a stable `code`; every response carries "
            "`X-Request-ID`. Sign in with a Solana wallet (Sign-In With Solana)."
        ),
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    # Inside CORS (a 429 carries the CORS headers a browser needs to read it), inside the
    # request context (a 429 has a request id, a log line and metrics).
    app.add_middleware(BookFastPath)
    app.add_middleware(RateLimitMiddleware, settings=settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.gateway.cors_origins),
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After", "X-GridTokenX-Source"],
    )
    app.add_middleware(RequestContextMiddleware)
    return app


def create_app_from_environment() -> FastAPI:
    """The factory the ASGI server calls in each worker."""
    configure_logging()
    return create_app(get_settings())
