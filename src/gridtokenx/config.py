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
from typing import Literal

from pydantic import BaseModel, Field
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
