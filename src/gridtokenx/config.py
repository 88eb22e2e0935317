"""The platform's one configuration object.

Every field can be overridden from the environment with the prefix ``GRIDTOKENX_`` and ``__``
between a group and its field, for example ``GRIDTOKENX_POSTGRES__PORT=5433`` or
``GRIDTOKENX_STATE_DIR=/srv/gridtokenx``. A ``.env`` file in the working directory is read too;
``.env.example`` lists every variable.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOOPBACK = "127.0.0.1"


def _default_state_dir() -> Path:
    # PostgreSQL runs as the unprivileged `postgres` user when we are root, and that user
    # cannot enter /root, so root keeps its state in /var/lib.
    if os.geteuid() == 0:
        return Path("/var/lib/gridtokenx")
    xdg_state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg_state) / "gridtokenx"


class PostgresSettings(BaseModel):
    host: str = LOOPBACK
    port: int = 5432
    database: str = "gridtokenx"
    user: str = "gridtokenx"
    password: str = "gridtokenx"  # noqa: S105 - development default for a loopback-only server

    @property
    def url(self) -> str:
        """A libpq connection URL (``postgresql://user:password@host:port/database``)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"


class RedisSettings(BaseModel):
    host: str = LOOPBACK
    port: int = 6379

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"


class InfluxSettings(BaseModel):
    host: str = LOOPBACK
    port: int = 8086
    rpc_port: int = 8088
    database: str = "gridtokenx"
    readings_retention: str = "30d"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class KafkaSettings(BaseModel):
    host: str = LOOPBACK
    port: int = 9092
    controller_port: int = 9093
    version: str = "4.3.1"
    heap_mb: int = 1024
    meter_readings_partitions: int = Field(default=6, ge=1)

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"


class ChainSettings(BaseModel):
    """The local chain node (LiteSVM behind Solana's JSON-RPC and PubSub APIs)."""

    host: str = LOOPBACK
    rpc_port: int = 8899
    ws_port: int = 8900
    slot_ms: int = Field(default=400, ge=1)
    blockhash_valid_slots: int = Field(default=150, ge=1)
    wal_fsync: bool = True
    """Fsync the transaction log before a transaction is reported confirmed (off: tests only)."""
    state_dir: Path | None = None
    """Where the node keeps its genesis and transaction log; default ``<state_dir>/chain``."""
    cluster_rpc_url: str | None = None
    """The cluster the platform's clients talk to; default: the local node (``rpc_url``)."""
    cluster_ws_url: str | None = None
    """The cluster's PubSub endpoint; default: the local node (``ws_url``)."""
    commitment: Literal["processed", "confirmed", "finalized"] = "confirmed"
    request_timeout_s: float = Field(default=10.0, gt=0)
    confirm_timeout_s: float = Field(default=60.0, gt=0)
    """How long send_and_confirm keeps resending and rebuilding before it gives up."""
    resend_interval_s: float = Field(default=2.0, gt=0)
    poll_interval_s: float = Field(default=0.4, gt=0)
    """Status polling cadence when no WebSocket notification arrives."""
    priority_fee_micro_lamports: int = Field(default=0, ge=0)
    """ComputeBudget SetComputeUnitPrice per transaction (0: none)."""
    compute_unit_limit: int = Field(default=0, ge=0, le=1_400_000)
    """ComputeBudget SetComputeUnitLimit per transaction (0: the cluster's default)."""
    addresses_file: Path | None = None
    """The bootstrapped programs, mints and market; default ``<chain state dir>/addresses.json``."""
    program_dir: Path | None = None
    """Where the built programs (``registry.so``, ``trading.so``) are; default the checkout's
    ``build/programs`` (``make programs``)."""
    market_fee_bps: int = Field(default=25, ge=0, le=10_000)
    """The Trading market's fee, set when bootstrap creates the market."""

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.rpc_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.ws_port}"

    @property
    def client_rpc_url(self) -> str:
        """Where clients send JSON-RPC: ``cluster_rpc_url`` or the local node."""
        return self.cluster_rpc_url or self.rpc_url

    @property
    def client_ws_url(self) -> str:
        """Where clients subscribe: ``cluster_ws_url`` or the local node."""
        return self.cluster_ws_url or self.ws_url


class TelemetrySettings(BaseModel):
    """The ingestion service: Kafka → verified readings → InfluxDB + PostgreSQL."""

    readings_topic: str = "meter-readings"
    dead_letter_topic: str = "meter-readings-dlq"
    consumer_group: str = "ingestion"
    instance_id: str = "ingestion-0"
    """Static group membership: a restarted process with the same id takes its partitions back
    at once instead of after the session timeout. Give each parallel process its own id."""
    session_timeout_ms: int = Field(default=10_000, ge=6_000)
    batch_size: int = Field(default=5000, ge=1)
    poll_timeout_ms: int = Field(default=500, ge=1)
    max_clock_skew_ms: int = Field(default=5 * 60 * 1000, ge=0)
    retry_initial_ms: int = Field(default=200, ge=1)
    retry_max_ms: int = Field(default=10_000, ge=1)
    meter_refresh_ms: int = Field(default=5_000, ge=100)
    """How often the meters' profiles (device key, power limits, status) are read again, so an
    operator's key rotation or deactivation applies without a restart. A batch with bad
    signatures also reads those meters' keys again at once before it is judged."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9101
    """Prometheus metrics of the ingestion service (also its health check)."""


class SimulatorSettings(BaseModel):
    """The smart-meter simulator service (`gridtokenx simulator serve`) and its control API."""

    host: str = LOOPBACK
    port: int = 8090
    scenario: str = "default"
    """Name of the scenario row in PostgreSQL that the service runs."""
    autostart: bool = True
    """Start the stored run when the service starts (a new one if none is stored)."""
    default_meter_count: int = Field(default=200, ge=1)
    default_seed: int = Field(default=0, ge=0)
    default_mode: Literal["realtime", "accelerated", "replay"] = "accelerated"
    default_speed: float = Field(default=60.0, gt=0)
    """Simulated seconds per wall second in accelerated runs (60: an hour a minute)."""
    default_interval_ms: int = Field(default=60_000, ge=1, le=3_600_000)
    default_lookback_h: float = Field(default=168.0, ge=0)
    """An accelerated run starts this long ago and runs in real time once it reaches now."""


class MintingSettings(BaseModel):
    """The minting service (`gridtokenx mint serve`): signed watermarks → GXT on chain."""

    interval_s: float = Field(default=5.0, gt=0)
    """Pause between minting cycles (reconcile, select, submit)."""
    readings_per_transaction: int = Field(default=3, ge=1, le=3)
    """Readings per legacy mint transaction; 3 is the most that fits the 1,232-byte packet."""
    payer_keypair_file: Path | None = None
    """The grid operator's keypair: pays the fees and co-signs meter registrations; default the
    local chain's ``<chain state dir>/keys/operator.json``."""
    register_simulated_meters: bool = True
    """Register the simulator scenario's commissioned meters on chain before minting."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9102
    """Prometheus metrics of the minting service (also its health check)."""


class MarketSettings(BaseModel):
    """The matching service (`gridtokenx market match`): order-commands → trades + book deltas."""

    commands_topic: str = "order-commands"
    trades_topic: str = "trades"
    book_deltas_topic: str = "book-deltas"
    releases_topic: str = "order-releases"
    """IOC and post-only chain orders the engine finished unfilled; settlement cancels them."""
    dead_letter_topic: str = "order-commands-dlq"
    consumer_group: str = "matcher"
    instance_id: str = "matcher-0"
    """Static group membership and the Kafka transactional id: a restarted process with the same
    id takes its partitions back at once and fences (aborts) its predecessor's open transaction.
    Give each parallel process its own id."""
    session_timeout_ms: int = Field(default=10_000, ge=6_000)
    transaction_timeout_ms: int = Field(default=10_000, ge=1_000)
    batch_size: int = Field(default=500, ge=1)
    """Commands per Kafka transaction at most."""
    poll_timeout_ms: int = Field(default=200, ge=1)
    snapshot_every_commands: int = Field(default=10_000, ge=1)
    snapshot_interval_s: float = Field(default=60.0, gt=0)
    """A partition with new commands is checkpointed at least this often."""
    snapshots_kept: int = Field(default=3, ge=1)
    mode: Literal["continuous", "auction"] = "continuous"
    """How a market matches, fixed when its first command arrives."""
    market_order_band_per_kwh: int = Field(default=0, ge=0)
    auction_interval_ms: int = Field(default=15 * 60 * 1000, ge=1)
    metrics_host: str = LOOPBACK
    metrics_port: int = 9103
    """Prometheus metrics of the matching service (also its health check)."""


class GatewaySettings(BaseModel):
    """The API gateway (`gridtokenx gateway serve`): REST under ``/v1``, wallet sign-in."""

    host: str = LOOPBACK
    port: int = 8080
    workers: int = Field(default=1, ge=1)
    """Worker processes; the gateway is stateless (sessions and nonces live in Redis)."""
    server: Literal["granian", "hypercorn"] = "granian"
    """The ASGI server (both speak HTTP/1.1, h2 over TLS and h2c with prior knowledge);
    bench/gateway_server.py measures them side by side."""
    tls_cert_file: Path | None = None
    """PEM certificate: with ``tls_key_file`` the gateway serves HTTPS (h2 by ALPN)."""
    tls_key_file: Path | None = None
    """PEM private key (PKCS#8) of ``tls_cert_file``."""
    domain: str = "127.0.0.1:3000"
    """The Sign-In With Solana domain: the authority (host[:port]) of the web app users sign
    in on; a signed message naming another domain is refused."""
    sign_in_uri: str = "http://127.0.0.1:3000"
    """The ``URI`` field of sign-in messages."""
    sign_in_statement: str = "Sign in to GridTokenX. This request costs nothing and moves no funds."
    chain_id: Literal["mainnet", "testnet", "devnet", "localnet"] = "localnet"
    """The ``Chain ID`` field of sign-in messages."""
    nonce_ttl_s: int = Field(default=300, ge=10)
    """How long a sign-in nonce (and the message built around it) can be used, once."""
    max_clock_skew_s: int = Field(default=60, ge=0)
    """Tolerance for a wallet's ``Issued At`` in the future."""
    token_secret: SecretStr | None = None
    """HMAC key of access tokens (at least 32 bytes); unset: a random key generated once into
    ``token_secret_file``. Every worker and host must share it."""
    token_secret_file: Path | None = None
    """Default ``<state_dir>/gateway/token_secret`` (mode 0600)."""
    access_token_ttl_s: int = Field(default=900, ge=10)
    refresh_token_ttl_s: int = Field(default=30 * 24 * 3600, ge=60)
    """A session ends when its refresh token goes unused this long."""
    refresh_cookie_name: str = "gtx_refresh"
    refresh_cookie_path: str = "/v1/auth"
    refresh_cookie_secure: bool = True
    """The cookie's Secure flag (browsers accept Secure cookies from http://127.0.0.1 too)."""
    refresh_cookie_domain: str | None = None
    operator_wallets: list[str] = Field(default_factory=list)
    """Wallet addresses (base58) whose accounts are operators."""
    operators_from_chain: bool = True
    """Also make the bootstrapped chain's operator key (``addresses.json``) an operator."""
    default_role: Literal["consumer", "prosumer"] = "consumer"
    """The role of a new account that is not an operator."""
    smtp_host: str = LOOPBACK
    smtp_port: int = 8025
    """The local mailbox service by default (``mailbox.port``)."""
    smtp_from: str = "GridTokenX <no-reply@gridtokenx.local>"
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    email_verify_url: str = "http://127.0.0.1:3000/verify-email"
    """The web page an e-mail verification link opens (``?token=...`` is appended); it posts
    the token to ``POST /v1/me/email/verify``."""
    email_token_ttl_s: int = Field(default=24 * 3600, ge=60)
    cors_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:3000", "http://127.0.0.1:3001"]
    )
    """Origins allowed by CORS, matched exactly (the trading and admin web apps)."""
    readings_max_points: int = Field(default=2000, ge=10)
    """The most points ``GET /v1/meters/{id}/readings`` answers: a finer resolution is
    coarsened to fit (the answer names the resolution used)."""
    meter_readings_per_window: int = Field(default=60, ge=1)
    """Readings one field meter may post per ``meter_rate_window_s`` through
    ``POST /v1/readings/batch``; more answer 429 with Retry-After."""
    meter_rate_window_s: int = Field(default=60, ge=1)
    readings_ack_timeout_s: float = Field(default=10.0, gt=0)
    """How long ``POST /v1/readings/batch`` waits for Kafka's acknowledgement before 503."""


class AgentsSettings(BaseModel):
    """The trading agents (`gridtokenx agents run`): each simulated owner signs its own orders.

    Prices are USDC base units per kWh, quantities GXT base units (1 Wh = 1,000)."""

    enabled: bool = True
    """Off: the process serves its metrics and places nothing."""
    max_agents: int = Field(default=0, ge=0)
    """How many simulated owners trade (the fleet's first ones); 0: every one."""
    cycle_interval_s: float = Field(default=30.0, gt=0)
    """Pause between cycles (read balances and orders, decide, send)."""
    concurrency: int = Field(default=4, ge=1)
    """Transactions in flight at most, over all agents."""
    reference_price_per_kwh: int = Field(default=120_000, ge=1)
    spread_bps: int = Field(default=1_500, ge=0, le=10_000)
    """Prices are drawn uniformly within reference ± this (basis points of the reference)."""
    reserve_price_per_kwh: int = Field(default=100_000, ge=1)
    """A prosumer never asks less."""
    price_cap_per_kwh: int = Field(default=150_000, ge=1)
    """A consumer never bids more."""
    reserve_gxt_base_units: int = Field(default=1_000_000, ge=0)
    """GXT a prosumer always keeps (never offered)."""
    min_order_gxt_base_units: int = Field(default=10_000, ge=1_000)
    """Smaller surpluses or deficits are not worth an order (and its rent)."""
    max_order_gxt_base_units: int = Field(default=20_000_000, ge=1_000)
    max_open_orders: int = Field(default=2, ge=1)
    """Per agent; no new order while this many are open."""
    order_max_age_s: int = Field(default=300, ge=1)
    """An open order older than this (chain clock) is cancelled, returning its escrow."""
    claim_grace_s: int = Field(default=60, ge=0)
    """Proceeds left unclaimed this long after an agent first sees them are claimed by the
    agent itself (the settlement service normally claims first)."""
    deficit_window_intervals: int = Field(default=4, ge=1)
    """A consumer's deficit is its import over its latest this-many 15-minute intervals."""
    seed: int = Field(default=0, ge=0)
    """Seeds the price draws: the same seed, agents and clock give the same orders."""
    fund_local: bool = True
    """On the local node only: top agents up from the faucet (SOL for all, USDC for consumers)."""
    sol_top_up_lamports: int = Field(default=1_000_000_000, ge=0)
    """Airdropped when an agent holds less than a tenth of it."""
    usdc_top_up_base_units: int = Field(default=100_000_000, ge=0)
    """Minted to a consumer holding less than a tenth of it."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9107
    """Prometheus metrics of the agents process (also its health check)."""


class SettlementSettings(BaseModel):
    """The settlement service (`gridtokenx settlement run`): trades → Trading ``settle`` and
    ``claim`` transactions, each trade's status in PostgreSQL."""

    consumer_group: str = "settlement"
    instance_id: str = "settlement-0"
    """Static group membership: a restarted process with the same id takes its partitions back
    at once. Give each parallel process its own id."""
    session_timeout_ms: int = Field(default=10_000, ge=6_000)
    batch_size: int = Field(default=500, ge=1)
    """Trade records read (and stored in one PostgreSQL transaction) per poll at most."""
    poll_timeout_ms: int = Field(default=200, ge=1)
    min_fills_per_transaction: int = Field(default=8, ge=1, le=10)
    """A batch this large goes out at once; a smaller one waits up to ``max_linger_ms``."""
    max_fills_per_transaction: int = Field(default=10, ge=1, le=10)
    """Fills per legacy ``settle`` transaction at most (10 fit the 1,232-byte packet)."""
    max_orders_per_transaction: int = Field(default=20, ge=2, le=20)
    """Distinct order accounts per ``settle`` transaction at most (20 fit a legacy one when the
    matcher pays; 18 when another key pays, which the service then applies)."""
    max_linger_ms: int = Field(default=250, ge=0)
    """How long the oldest pending trade of a market waits for a fuller batch."""
    confirm_poll_ms: int = Field(default=25, ge=1)
    """Status polling cadence while a settle transaction is in flight (two light requests per
    poll; the local node confirms in ~25 ms)."""
    resend_interval_ms: int = Field(default=2_000, ge=1)
    """The same signed bytes are sent again this often until they land or expire."""
    idle_interval_ms: int = Field(default=200, ge=1)
    """The settle loop's pause when there is nothing to do (new trades wake it at once)."""
    max_landed_failures: int = Field(default=3, ge=1)
    """A trade whose transactions landed and failed this often is rejected (it passed every
    simulation, so something outside the fill keeps failing)."""
    claim: bool = True
    """Crank ``claim`` for the orders of every settled batch (the settlement payer pays)."""
    matcher_keypair_file: Path | None = None
    """The market's matcher key, which signs ``settle``; default the local chain's
    ``<chain state dir>/keys/matcher.json``."""
    payer_keypair_file: Path | None = None
    """Pays the fees of settle and claim transactions; default the matcher key."""
    fund_payer_locally: bool = True
    """On the local node only: at start, airdrop 100 SOL to the payer if it holds under 5."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9105
    """Prometheus metrics of the settlement service (also its health check)."""


class IndexerSettings(BaseModel):
    """The order indexer (`gridtokenx indexer run`): Trading transactions → order-commands and
    the PostgreSQL order mirror. It produces to ``market.commands_topic``."""

    commitment: Literal["confirmed", "finalized"] = "finalized"
    """Which transactions count. ``finalized`` never lists a transaction behind one already
    listed, which a forward-only cursor needs on a real cluster (the local node: the same)."""
    poll_interval_ms: int = Field(default=1_000, ge=10)
    """How often the indexer looks for new transactions when no logs notification woke it."""
    subscribe: bool = True
    """Wake up on the cluster's ``logsSubscribe`` notifications for the Trading program (polling
    stays the fallback)."""
    page_size: int = Field(default=1_000, ge=1, le=1_000)
    """Signatures per ``getSignaturesForAddress`` call of a catch-up scan."""
    batch_transactions: int = Field(default=200, ge=1)
    """Transactions per batch: their commands are committed in one Kafka transaction, then their
    mirror rows and the cursor in one PostgreSQL transaction."""
    reconcile_interval_s: float = Field(default=300.0, ge=0)
    """Compare the mirror with every order account this often (0: only at start)."""
    instance_id: str = "indexer-0"
    """The Kafka transactional id: a restarted indexer fences (aborts) what its predecessor left
    open. One indexer per Trading program."""
    transaction_timeout_ms: int = Field(default=30_000, ge=1_000)
    """How long one batch's Kafka transaction may stay open before the broker aborts it."""
    linger_ms: int = Field(default=5, ge=0)
    retry_interval_s: float = Field(default=2.0, gt=0)
    """Pause after the chain or PostgreSQL did not answer, before trying again."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9104
    """Prometheus metrics of the indexer (also its health check)."""


class OracleSettings(BaseModel):
    """Reference prices from Pyth (`gridtokenx oracle price`) and, on the local node only, the
    publisher that keeps local PriceUpdateV2 accounts fresh (`gridtokenx oracle publish`)."""

    local_currency: str = "THB"
    """The currency USDC is valued in; THB and EUR have built-in feeds, others need fx_feed_id."""
    usdc_usd_feed_id: str = "eaa020c61cc479712813461ce153894a96a6c00b21ed0cfc2798d1f9a9e9c94a"
    """Pyth's Crypto.USDC/USD (hex)."""
    fx_feed_id: str = ""
    """The FX feed of local_currency (hex); empty: the built-in one (FX.USD/THB, FX.EUR/USD)."""
    fx_feed_inverted: bool | None = None
    """True when the FX feed quotes USD per local unit (EUR/USD); None: the built-in value."""
    local_minor_unit_digits: int | None = Field(default=None, ge=0, le=18)
    """Decimal places of the local minor unit; None: the built-in value (2 for THB and EUR)."""
    cluster: Literal["local", "devnet", "mainnet-beta"] = "local"
    """Where the price accounts are: local reads the addresses file, the others Pyth's push
    feeds (or price_accounts)."""
    shard_id: int = Field(default=0, ge=0, le=65535)
    """The push oracle's shard of the feeds (sponsored feeds are on shard 0)."""
    price_accounts: dict[str, str] = {}
    """Explicit price account address per feed id (hex → base58), overriding the derived ones."""
    max_age_s: int = Field(default=60, ge=1)
    """A price published longer ago (by the cluster's clock) is flagged stale."""
    max_confidence_bps: int = Field(default=200, ge=0)
    """A price whose conf / price exceeds this (basis points) is flagged low confidence."""
    allow_partial_verification: bool = False
    publish_interval_s: float = Field(default=5.0, gt=0)
    source: Literal["static", "hermes"] = "static"
    """The publisher's prices: configured ones with a small deterministic walk, or Pyth Hermes."""
    hermes_url: str = "https://hermes.pyth.network"
    hermes_timeout_s: float = Field(default=5.0, gt=0)
    static_prices: dict[str, str] = {}
    """Feed id (hex) → decimal price for the static source; unset feeds use built-in values."""
    static_walk_bps: int = Field(default=20, ge=0, le=1000)
    """The static source's deterministic walk: at most this far (basis points) from the price."""
    write_authority_keypair_file: Path | None = None
    """Signs and pays the local price updates; default: the chain operator's keypair."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9106
    """Prometheus metrics of the publisher (also its health check)."""


class WebSettings(BaseModel):
    """The Next.js apps in ``web/`` (`gridtokenx stack up` builds and runs them with ``next
    start``): the trading dashboard and the operator console."""

    host: str = LOOPBACK
    trading_port: int = 3000
    admin_port: int = 3001
    node_bin: str = "node"
    """Node.js 20.9 or later (Next.js 16 needs it); Debian 12's own package is too old."""
    npm_bin: str = "npm"
    source_dir: Path | None = None
    """The npm workspace; default the checkout's ``web/``."""


class OrderBoundsSettings(BaseModel):
    """The gateway's order routes (``/v1/orders/...``): what it prepares for wallets to sign."""

    tick_per_kwh: int = Field(default=1_000, ge=1)
    """Prices are whole multiples of this (USDC base units per kWh; 1,000 = 0.001 USDC)."""
    lot_gxt_base_units: int = Field(default=1_000, ge=1)
    """Quantities are whole multiples of this (GXT base units; 1,000 = 1 Wh)."""
    min_price_per_kwh: int = Field(default=1_000, ge=1)
    max_price_per_kwh: int = Field(default=10_000_000, ge=1)
    min_quantity_gxt_base_units: int = Field(default=1_000, ge=1)
    max_quantity_gxt_base_units: int = Field(default=1_000_000_000, ge=1)
    """1,000 kWh per order at most."""
    max_expiry_s: int = Field(default=30 * 24 * 3600, ge=60)
    """An order's expiry lies at most this far ahead (0 = never expires is always allowed)."""
    compute_unit_limit: int = Field(default=60_000, ge=1_000, le=1_400_000)
    """ComputeBudget SetComputeUnitLimit of prepared transactions."""
    priority_fee_micro_lamports: int = Field(default=0, ge=0)
    """ComputeBudget SetComputeUnitPrice of prepared transactions (0: not included)."""


class MarketDataSettings(BaseModel):
    """The market-data feed (`gridtokenx gateway feed`: trades + book-deltas → Redis) and the
    gateway's public market routes and WebSocket that read it."""

    consumer_group: str = "market-feed"
    """Kafka consumer group id (the feed assigns every partition itself and commits nothing:
    it rebuilds its state from the start of the topics)."""
    redis_prefix: str = "gtx:md"
    """Prefix of the feed's Redis keys (snapshots) and pub/sub channels (updates)."""
    batch_size: int = Field(default=1_000, ge=1)
    poll_timeout_ms: int = Field(default=200, ge=1)
    recent_trades: int = Field(default=200, ge=1)
    """Trades kept per market for the tape (REST ``limit`` and WebSocket snapshots)."""
    candles_kept: int = Field(default=1_500, ge=1_440)
    """Candles kept per market and interval (at least a day of 1-minute candles: the 24-hour
    statistics are computed from them)."""
    stats_refresh_interval_s: float = Field(default=10.0, gt=0)
    """How often the 24-hour statistics are recomputed without a trade (the window moves)."""
    ws_queue_messages: int = Field(default=1_000, ge=1)
    """Messages waiting for one WebSocket client at most; a client further behind is cut off
    with close code 4008 (slow consumer)."""
    ws_heartbeat_interval_s: float = Field(default=15.0, gt=0)
    ws_max_subscriptions: int = Field(default=100, ge=1)
    grid_refresh_interval_s: float = Field(default=10.0, gt=0)
    """How often the feed recomputes the public ``grid`` channel from PostgreSQL (it publishes
    an update only when the per-zone figures changed)."""
    user_snapshot_rows: int = Field(default=50, ge=1, le=500)
    """Open orders, fills, settlements and mints (each) in a ``user`` channel snapshot."""
    meter_poll_interval_s: float = Field(default=5.0, gt=0)
    """How often a worker asks InfluxDB for new readings of a subscribed ``meter:<id>``."""
    meter_window_s: int = Field(default=900, ge=60, le=86_400)
    """The readings a ``meter:<id>`` snapshot holds: this many seconds back from now."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9108
    """Prometheus metrics of the feed (also its health check)."""


class TariffPeriodSettings(BaseModel):
    """One time-of-use period of a retail tariff: on ``weekdays`` (ISO 1 = Monday .. 7 =
    Sunday), local minutes ``start_minute`` (inclusive) to ``end_minute`` (exclusive) of the day
    cost ``price_per_kwh``. A period does not cross midnight: split it in two."""

    name: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(min_length=1)
    start_minute: int = Field(ge=0, le=1439)
    end_minute: int = Field(ge=1, le=1440)
    price_per_kwh: int = Field(ge=0)
    """USDC base units per kWh (the settlement currency: see StatementSettings)."""

    @model_validator(mode="after")
    def _within_one_day(self) -> TariffPeriodSettings:
        if self.end_minute <= self.start_minute:
            raise ValueError(
                f"tariff period {self.name!r} ends at minute {self.end_minute}, not after its "
                f"start {self.start_minute}: split a period that crosses midnight in two"
            )
        return self


def _thai_peak() -> list[TariffPeriodSettings]:
    return [
        TariffPeriodSettings(
            name="peak",
            weekdays=[1, 2, 3, 4, 5],
            start_minute=9 * 60,
            end_minute=22 * 60,
            price_per_kwh=165_663,
        )
    ]


class ZoneTariffSettings(BaseModel):
    """A zone's retail tariff: its periods (the first that contains an instant applies), the
    price of every other instant, and the feed-in price the grid pays for exported energy.
    Prices are USDC base units per kWh. The defaults are a Thai residential time-of-use tariff
    (peak Monday-Friday 09:00-22:00 at 5.7982 THB/kWh, off-peak 2.6369 THB/kWh, a 2.20 THB/kWh
    solar feed-in rate) converted once at 35 THB per USDC; set the zone's real rates."""

    periods: list[TariffPeriodSettings] = Field(default_factory=_thai_peak)
    base_period: str = Field(default="off_peak", min_length=1, max_length=32)
    base_price_per_kwh: int = Field(default=75_340, ge=0)
    feed_in_price_per_kwh: int = Field(default=62_857, ge=0)


class StatementSettings(BaseModel):
    """Monthly statements (``/v1/me/statements/{YYYY-MM}``): the retail tariff they compare
    market prices with, the local time they use, and the grid's emission factor.

    Currency: every price here is in USDC base units per kWh, the currency trades settle in, so a
    statement's savings are exact integer differences with no exchange rate in them. Operators
    convert their local tariff (THB) once when configuring it; the oracle's live THB rate is not
    used, because a statement must come out the same every time it is rendered."""

    utc_offset_minutes: int = Field(default=7 * 60, ge=-14 * 60, le=14 * 60)
    """Local time of months and tariff periods (Thailand: UTC+07:00, no daylight saving)."""
    default_tariff: ZoneTariffSettings = ZoneTariffSettings()
    """The tariff of every zone without its own entry in ``zone_tariffs``."""
    zone_tariffs: dict[int, ZoneTariffSettings] = {}
    """Zone id → its tariff (JSON in the environment)."""
    grid_emission_g_per_kwh: int = Field(default=500, ge=0)
    """Grams of CO2 the grid emits per kWh it supplies (Thailand's grid is near 0.5 kg/kWh)."""


class MailboxSettings(BaseModel):
    """The local mail server (`gridtokenx mailbox serve`, stack service ``mailbox``): accepts
    every message over plain SMTP on loopback and stores it in a Maildir, for people and tests
    to read (``gridtokenx.mailbox.read_messages``). The gateway's ``smtp_*`` settings point at it
    by default. Not a relay: nothing leaves the machine."""

    host: str = LOOPBACK
    port: int = 8025
    directory: Path | None = None
    """The Maildir; default ``<state_dir>/mailbox/Maildir``."""
    max_message_bytes: int = Field(default=1_048_576, ge=1024)
    """Larger messages are refused (552)."""


class NotifierSettings(BaseModel):
    """The notifier (`gridtokenx notifier run`): order, fill, settlement and mint changes →
    per-user Redis events, in-app notifications and e-mail (sent with the gateway's ``smtp_*``
    settings, so the platform has one mail configuration)."""

    poll_interval_ms: int = Field(default=500, ge=10)
    """How often it looks for new changes (and due e-mail) when the last pass found none."""
    batch_changes: int = Field(default=500, ge=1, le=10_000)
    """Changes read, decided and committed (with the cursor) in one PostgreSQL transaction."""
    email_retry_interval_s: float = Field(default=30.0, gt=0)
    """Pause before an e-mail the mail server did not accept is tried again."""
    email_max_attempts: int = Field(default=5, ge=1)
    """After this many refusals an e-mail is marked failed and not tried again."""
    published_marker_ttl_s: int = Field(default=7 * 24 * 3600, ge=60)
    """How long Redis remembers that an outbox row's event was published (it must outlive any
    outage between publishing and recording that in PostgreSQL)."""
    app_url: str = "http://127.0.0.1:3000"
    """The trading app, linked from e-mails."""
    retry_interval_s: float = Field(default=2.0, gt=0)
    """Pause after PostgreSQL or Redis did not answer, before trying again."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9109
    """Prometheus metrics of the notifier (also its health check)."""


class RateLimitSettings(BaseModel):
    """Request limits of the gateway per client IP and per signed-in wallet, counted in Redis.

    Fixed windows of ``window_s`` seconds shared by every worker. Each route class has one limit
    per IP (the TCP peer's address) and one per wallet (the access token's wallet; only requests
    with a valid token count against it), in requests per window; ``0`` turns that limit off.
    Classes: ``auth`` (/v1/auth/...), ``orders`` (/v1/orders/..., /v1/transactions/...),
    ``public`` (public GETs: market data, grid views), ``write`` (other POST/PUT/PATCH/DELETE),
    ``read`` (other GETs).
    /v1/health, /v1/version, /metrics and the WebSocket upgrade are never limited. If Redis does
    not answer, requests pass unchecked (fail open) and
    ``gridtokenx_gateway_rate_limit_fail_open`` counts them."""

    enabled: bool = True
    window_s: int = Field(default=60, ge=1, le=3600)
    redis_prefix: str = "gtx:rl"
    auth_per_ip: int = Field(default=120, ge=0)
    auth_per_wallet: int = Field(default=120, ge=0)
    orders_per_ip: int = Field(default=1_200, ge=0)
    orders_per_wallet: int = Field(default=600, ge=0)
    public_per_ip: int = Field(default=6_000, ge=0)
    public_per_wallet: int = Field(default=0, ge=0)
    write_per_ip: int = Field(default=600, ge=0)
    write_per_wallet: int = Field(default=300, ge=0)
    read_per_ip: int = Field(default=3_000, ge=0)
    read_per_wallet: int = Field(default=1_200, ge=0)


class PrometheusSettings(BaseModel):
    """The stack's Prometheus server (Debian's ``prometheus``): scrapes every service that serves
    metrics; its configuration is generated from the stack's registry and these settings."""

    host: str = LOOPBACK
    port: int = 9090
    scrape_interval_s: int = Field(default=15, ge=1)
    """How often every target is scraped (also the rule evaluation interval)."""
    scrape_timeout_s: int = Field(default=10, ge=1)
    """A scrape that takes longer counts as failed (``up`` = 0); at most the interval."""
    retention_time: str = Field(default="2d", pattern=r"^[0-9]+(ms|s|m|h|d|w|y)$")
    """Samples older than this are deleted (a Prometheus duration: ``2d``, ``12h``)."""
    retention_size_mb: int = Field(default=512, ge=1)
    """The time series database's disk budget; the oldest blocks go first beyond it."""


class PipelineExporterSettings(BaseModel):
    """The pipeline exporter (`gridtokenx pipeline export`, stack service ``pipeline-exporter``):
    Kafka consumer lag, dead letters, settlement and mint backlogs and the chain's slot as
    Prometheus gauges, read like the operators' pipeline-health route."""

    interval_s: float = Field(default=15.0, gt=0)
    """Pause between probes (each one reads Kafka's offsets, PostgreSQL and the chain's slot)."""
    metrics_host: str = LOOPBACK
    metrics_port: int = 9110
    """Prometheus metrics of the exporter (also its health check)."""


class StackSettings(BaseModel):
    java_bin: str = "java"
    maven_bin: str = "mvn"
    min_free_disk_mb: int = 1024
    health_timeout_s: float = 90.0
    stop_timeout_s: float = 20.0


class Settings(BaseSettings):
    """All settings of every GridTokenX process."""

    model_config = SettingsConfigDict(
        env_prefix="GRIDTOKENX_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    state_dir: Path = Field(default_factory=_default_state_dir)
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "gridtokenx")
    postgres: PostgresSettings = PostgresSettings()
    redis: RedisSettings = RedisSettings()
    influx: InfluxSettings = InfluxSettings()
    kafka: KafkaSettings = KafkaSettings()
    stack: StackSettings = StackSettings()
    telemetry: TelemetrySettings = TelemetrySettings()
    chain: ChainSettings = ChainSettings()
    simulator: SimulatorSettings = SimulatorSettings()
    minting: MintingSettings = MintingSettings()
    market: MarketSettings = MarketSettings()
    prometheus: PrometheusSettings = PrometheusSettings()
    pipeline_exporter: PipelineExporterSettings = PipelineExporterSettings()
    rate_limits: RateLimitSettings = RateLimitSettings()
    notifier: NotifierSettings = NotifierSettings()
    mailbox: MailboxSettings = MailboxSettings()
    statements: StatementSettings = StatementSettings()
    market_data: MarketDataSettings = MarketDataSettings()
    orders: OrderBoundsSettings = OrderBoundsSettings()
    web: WebSettings = WebSettings()
    oracle: OracleSettings = OracleSettings()
    indexer: IndexerSettings = IndexerSettings()
    settlement: SettlementSettings = SettlementSettings()
    agents: AgentsSettings = AgentsSettings()
    gateway: GatewaySettings = GatewaySettings()

    @property
    def chain_state_dir(self) -> Path:
        """The chain node's folder: ``chain.state_dir`` if set, else ``state_dir / "chain"``."""
        return self.chain.state_dir or self.state_dir / "chain"

    @property
    def chain_addresses_file(self) -> Path:
        """``chain.addresses_file`` if set, else ``addresses.json`` in the chain's folder."""
        return self.chain.addresses_file or self.chain_state_dir / "addresses.json"

    @property
    def chain_keys_dir(self) -> Path:
        """The local chain's operator, matcher and faucet keypairs (files of mode 0600)."""
        return self.chain_state_dir / "keys"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
