"""The clients and services behind the energy and grid routes, one set per worker."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from solders.pubkey import Pubkey
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.chain.addresses import AddressesFileError, load_addresses
from gridtokenx.chain.program_ids import REGISTRY, local_program_id
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.config import Settings
from gridtokenx.gateway.chain_meters import ChainMeters
from gridtokenx.gateway.energy_repository import EnergyRepository
from gridtokenx.gateway.meter_rate_limit import MeterRateLimiter
from gridtokenx.gateway.readings_intake import AcknowledgedProducer, ReadingsIntake
from gridtokenx.gateway.readings_store import ReadingsStore
from gridtokenx.telemetry.producer import ReadingProducer

_PRODUCER_LINGER_MS = 2


def registry_program_id(settings: Settings) -> Pubkey:
    """The bootstrapped chain's Registry program, else the local node's well-known one."""
    try:
        return load_addresses(settings.chain_addresses_file).registry_program
    except AddressesFileError:
        return local_program_id(REGISTRY)


@dataclass(slots=True, kw_only=True)
class EnergyBackends:
    repository: EnergyRepository
    readings: ReadingsStore
    producer: AcknowledgedProducer
    intake: ReadingsIntake
    registry_program: Pubkey
    chain: ChainMeters

    @classmethod
    def build(cls, settings: Settings, engine: AsyncEngine, redis: Redis) -> EnergyBackends:
        gateway = settings.gateway
        repository = EnergyRepository(engine)
        producer = AcknowledgedProducer(
            ReadingProducer(
                settings.kafka.bootstrap_servers,
                settings.telemetry.readings_topic,
                linger_ms=_PRODUCER_LINGER_MS,
            ),
            gateway.readings_ack_timeout_s,
        )
        limiter = MeterRateLimiter(
            redis, limit=gateway.meter_readings_per_window, window_s=gateway.meter_rate_window_s
        )
        registry = registry_program_id(settings)
        return cls(
            repository=repository,
            readings=ReadingsStore(settings.influx),
            producer=producer,
            intake=ReadingsIntake(repository, limiter, producer),
            registry_program=registry,
            chain=ChainMeters(settings.chain, registry),
        )

    def meter_address(self, meter_id: uuid.UUID) -> str:
        return str(meter_address(self.registry_program, meter_id.bytes)[0])

    async def close(self) -> None:
        await self.readings.aclose()
        await self.chain.aclose()
        self.producer.close()
