"""Everything the cross-app browser journey runs against, private to it: a bootstrapped chain
(the caller's), the market pipeline (indexer, matcher, settlement: ``tests.utils.market_pipeline``)
whose scratch database every service shares, ingestion and minting on scratch readings topics
and a scratch InfluxDB database, the market-data feed (and its ``grid`` channel publisher) on a
scratch Redis prefix, a real gateway process, and the trading and admin apps' production builds
— each process launched as the stack launches it. Three browser profiles: the prosumer and the
consumer on the trading app, the operator on the admin app."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from solders.keypair import Keypair

from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.config import MintingSettings, Settings, TelemetrySettings
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.stack.services.ingestion import IngestionService
from gridtokenx.stack.services.market_feed import MarketFeedService
from gridtokenx.stack.services.minting import MintingService
from tests.chain.local_chain import LocalChain
from tests.gateway.energy_data import scratch_influx
from tests.gateway.test_grid import store_scenario
from tests.utils.kafka import scratch_topics
from tests.utils.market_pipeline import MarketPipeline, market_pipeline
from tests.utils.ports import free_port
from tests.web.next_app import ARTIFACTS, Browser, served_app, trading_app_with_gateway

FLEET = FleetConfig(meter_count=20, seed=7)
"""The grid the gateway serves (its zones are where a meter may be registered)."""


@dataclass(frozen=True)
class JourneyRig:
    pipeline: MarketPipeline
    settings: Settings
    """The services' settings (scratch database, topics, Redis prefix; the gateway's port)."""
    operator: Keypair
    """The chain operator's key: the Registry authority, an operator of the gateway."""
    prosumer: Browser
    consumer: Browser
    admin: Browser


@contextmanager
def journey_rig(stack: Settings, chain: LocalChain, state_dir: Path) -> Iterator[JourneyRig]:
    operator = local_keypair(chain.settings.chain_keys_dir, OPERATOR_KEY)
    tag = uuid.uuid4().hex[:8]
    with (
        market_pipeline(stack, chain, state_dir) as pipeline,
        scratch_topics(stack.kafka.bootstrap_servers, {"readings": 1, "rejected": 1}) as topics,
        scratch_influx(stack) as influx,
    ):
        base = pipeline.settings
        store_scenario(base.postgres, FLEET)
        telemetry = TelemetrySettings(
            readings_topic=topics["readings"],
            dead_letter_topic=topics["rejected"],
            consumer_group=f"test-journey-{tag}",
            instance_id=f"test-journey-{tag}",
            poll_timeout_ms=200,
        )
        settings = base.model_copy(
            update={
                "telemetry": telemetry,
                "influx": influx.influx,
                "market_data": base.market_data.model_copy(
                    update={"redis_prefix": f"test-journey-{tag}", "grid_refresh_interval_s": 1.0}
                ),
                "minting": MintingSettings(register_simulated_meters=False, interval_s=0.2),
            }
        )
        shared = {
            "GRIDTOKENX_TELEMETRY__READINGS_TOPIC": telemetry.readings_topic,
            "GRIDTOKENX_TELEMETRY__DEAD_LETTER_TOPIC": telemetry.dead_letter_topic,
            "GRIDTOKENX_INFLUX__DATABASE": settings.influx.database,
            "GRIDTOKENX_MARKET_DATA__REDIS_PREFIX": settings.market_data.redis_prefix,
        }
        pipeline.start(
            IngestionService(settings),
            **shared,
            GRIDTOKENX_TELEMETRY__CONSUMER_GROUP=telemetry.consumer_group,
            GRIDTOKENX_TELEMETRY__INSTANCE_ID=telemetry.instance_id,
            GRIDTOKENX_TELEMETRY__POLL_TIMEOUT_MS=str(telemetry.poll_timeout_ms),
        )
        pipeline.start(
            MintingService(settings),
            GRIDTOKENX_MINTING__REGISTER_SIMULATED_METERS="false",
            GRIDTOKENX_MINTING__INTERVAL_S="0.2",
        )
        grid_refresh = {"GRIDTOKENX_MARKET_DATA__GRID_REFRESH_INTERVAL_S": "1"}
        pipeline.start(MarketFeedService(settings), **shared, **grid_refresh)
        admin_port = free_port()
        admin_origin = f"http://127.0.0.1:{admin_port}"
        gateway_env = {
            **shared,
            "GRIDTOKENX_GATEWAY__OPERATOR_WALLETS": json.dumps([str(operator.pubkey())]),
        }
        with (
            trading_app_with_gateway(
                stack,
                chain,
                state_dir,
                extra_env=gateway_env,
                settings=settings,
                database=settings.postgres,
                extra_origins=[admin_origin],
            ) as prosumer,
            served_app(prosumer.settings, "admin", state_dir, port=admin_port) as admin_url,
        ):
            consumer = Browser(
                prosumer.settings, prosumer.app_url, state_dir / "consumer-profile", ARTIFACTS
            )
            admin = Browser(prosumer.settings, admin_url, state_dir / "admin-profile", ARTIFACTS)
            yield JourneyRig(pipeline, prosumer.settings, operator, prosumer, consumer, admin)
