"""Every service the stack manages, in start order (a service starts after those it needs).

Components that run as processes of their own (chain node, ingestion, gateway, simulator, web)
add their Service class here so that ``gridtokenx stack up`` brings up the whole platform.
"""

from __future__ import annotations

from gridtokenx.stack.services.agents import AgentsService
from gridtokenx.stack.services.base import Service
from gridtokenx.stack.services.chain_node import ChainNodeService
from gridtokenx.stack.services.gateway import GatewayService
from gridtokenx.stack.services.indexer import IndexerService
from gridtokenx.stack.services.influxdb import InfluxService
from gridtokenx.stack.services.ingestion import IngestionService
from gridtokenx.stack.services.kafka import KafkaService
from gridtokenx.stack.services.mailbox import MailboxService
from gridtokenx.stack.services.market_feed import MarketFeedService
from gridtokenx.stack.services.matcher import MatcherService
from gridtokenx.stack.services.minting import MintingService
from gridtokenx.stack.services.notifier import NotifierService
from gridtokenx.stack.services.oracle import OracleService
from gridtokenx.stack.services.pipeline_exporter import PipelineExporterService
from gridtokenx.stack.services.postgres import PostgresService
from gridtokenx.stack.services.prometheus import PrometheusService
from gridtokenx.stack.services.redis import RedisService
from gridtokenx.stack.services.settlement import SettlementService
from gridtokenx.stack.services.simulator import SimulatorService
from gridtokenx.stack.services.web import WebAdminService, WebTradingService

SERVICE_TYPES: tuple[type[Service], ...] = (
    PostgresService,
    RedisService,
    InfluxService,
    KafkaService,
    IngestionService,
    ChainNodeService,
    SimulatorService,
    MintingService,
    MatcherService,
    IndexerService,
    SettlementService,
    OracleService,
    AgentsService,
    GatewayService,
    MarketFeedService,
    WebTradingService,
    WebAdminService,
    PrometheusService,
    PipelineExporterService,
    MailboxService,
    NotifierService,
)
