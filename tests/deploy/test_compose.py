"""deploy/docker-compose.yml runs what the stack manager runs: services, versions, ports, names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from gridtokenx.config import Settings
from gridtokenx.stack.manager import StackManager
from gridtokenx.stack.services.influxdb import READINGS_RETENTION_POLICY, ROLLUPS_RETENTION_POLICY
from gridtokenx.stack.topics import declared_topics

COMPOSE_PATH = Path(__file__).parents[2] / "deploy" / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_PATH.read_text())
    services: dict[str, Any] = document["services"]
    return services


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def test_every_stack_service_is_in_compose_with_its_version_and_ports(
    compose: dict[str, Any], settings: Settings
) -> None:
    for service in StackManager(settings).services:
        assert service.name in compose, f"{service.name} missing from {COMPOSE_PATH}"
        definition = compose[service.name]
        tag = definition["image"].rsplit(":", 1)[1].removeprefix("v")  # prom/prometheus:v2.42.0
        assert tag == service.version or tag.startswith(service.version + "."), (
            f"{service.name}: compose runs {tag}, the stack runs {service.version}"
        )
        published = {
            (host, int(port)) for host, port, _ in (p.split(":") for p in definition["ports"])
        }
        declared = {(port.host, port.port) for port in service.ports()}
        assert published == declared, f"{service.name}: compose {published} != stack {declared}"


def test_postgres_credentials_match(compose: dict[str, Any], settings: Settings) -> None:
    environment = compose["postgres"]["environment"]
    assert environment["POSTGRES_DB"] == settings.postgres.database
    assert environment["POSTGRES_USER"] == settings.postgres.user
    assert environment["POSTGRES_PASSWORD"] == settings.postgres.password


def test_influx_database_and_retention_policies_match(
    compose: dict[str, Any], settings: Settings
) -> None:
    statements = compose["influxdb-init"]["command"][-1]
    influx = settings.influx
    assert f'CREATE DATABASE "{influx.database}"' in statements
    assert (
        f'"{READINGS_RETENTION_POLICY}" ON "{influx.database}" DURATION '
        f"{influx.readings_retention} REPLICATION 1 DEFAULT"
    ) in statements
    assert f'"{ROLLUPS_RETENTION_POLICY}" ON "{influx.database}" DURATION INF' in statements


def test_kafka_topics_match_the_declared_list(compose: dict[str, Any], settings: Settings) -> None:
    script = compose["kafka-init"]["command"][-1]
    created = {
        match["topic"]: match
        for match in re.finditer(
            r"--topic (?P<topic>\S+) --partitions (?P<partitions>\d+)(?P<configs>[^;]*)", script
        )
    }
    declared = declared_topics(settings.kafka)
    assert set(created) == {topic.name for topic in declared}
    for topic in declared:
        match = created[topic.name]
        assert int(match["partitions"]) == topic.partitions
        configs = dict(re.findall(r"--config (\S+)=(\S+)", match["configs"]))
        assert configs == topic.config
