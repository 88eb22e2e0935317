"""The pipeline exporter: a pipeline-health document becomes gauges (pure), and the process,
launched as the stack launches it, serves the shared stack's real lag and slot."""

from __future__ import annotations

import math
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from gridtokenx.config import PipelineExporterSettings, Settings
from gridtokenx.pipeline_metrics.exporter import record
from gridtokenx.stack.services.pipeline_exporter import PipelineExporterService
from tests.utils.databases import scratch_database
from tests.utils.ports import free_port
from tests.utils.service_process import launched

_WAIT_S = 60.0


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "consumer_groups": [
            {"group": "matcher", "topic": "order-commands", "total_lag": 7},
            {"group": "settlement", "topic": "trades", "total_lag": 0},
        ],
        "dead_letters": [{"topic": "meter-readings-dlq", "records": 3}],
        "mint": {"confirmed": 1, "pending": 4},
        "settlement": {"pending": 5, "submitted": 2, "oldest_pending_age_s": 12.5},
        "chain": {"slot": 991},
    }
    document.update(changes)
    return document


def _value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_a_document_sets_every_gauge() -> None:
    assert record(_document()) == []
    assert _value("gridtokenx_pipeline_consumer_lag", group="matcher", topic="order-commands") == 7
    assert _value("gridtokenx_pipeline_consumer_lag", group="settlement", topic="trades") == 0
    assert _value("gridtokenx_pipeline_dead_letters", topic="meter-readings-dlq") == 3
    assert _value("gridtokenx_pipeline_mint_pending") == 4
    assert _value("gridtokenx_pipeline_settlement_pending") == 5
    assert _value("gridtokenx_pipeline_settlement_submitted") == 2
    assert _value("gridtokenx_pipeline_settlement_oldest_pending_age_seconds") == 12.5
    assert _value("gridtokenx_pipeline_chain_slot") == 991


def test_a_section_that_failed_leaves_no_stale_figure() -> None:
    record(_document())
    failed = record(
        _document(
            consumer_groups=[
                {"group": "matcher", "topic": "order-commands", "error": "KafkaException: x"},
                {"group": "settlement", "topic": "trades", "total_lag": 1},
            ],
            settlement={"error": "UnavailableError: PostgreSQL is not reachable"},
            chain={"rpc_url": "http://127.0.0.1:1", "error": "ChainClientError: refused"},
        )
    )
    assert failed == ["consumer_groups", "settlement", "chain"]
    assert (
        _value("gridtokenx_pipeline_consumer_lag", group="matcher", topic="order-commands") is None
    )
    assert _value("gridtokenx_pipeline_consumer_lag", group="settlement", topic="trades") == 1
    for name in (
        "gridtokenx_pipeline_settlement_pending",
        "gridtokenx_pipeline_settlement_oldest_pending_age_seconds",
        "gridtokenx_pipeline_chain_slot",
    ):
        value = _value(name)
        assert value is not None
        assert math.isnan(value), name
    assert _value("gridtokenx_pipeline_mint_pending") == 4


def test_no_pending_trade_is_an_age_of_zero() -> None:
    record(_document(settlement={"pending": 0, "submitted": 0, "oldest_pending_age_s": None}))
    assert _value("gridtokenx_pipeline_settlement_oldest_pending_age_seconds") == 0


@pytest.mark.integration
def test_the_process_serves_the_shared_pipelines_lag_and_slot(
    running_stack: Settings, tmp_path: Path
) -> None:
    # A scratch database: the process migrates the schema it reads before it starts.
    with scratch_database(running_stack.postgres) as postgres:
        settings = running_stack.model_copy(
            update={
                "state_dir": tmp_path,
                "postgres": postgres,
                "pipeline_exporter": PipelineExporterSettings(
                    interval_s=0.5, metrics_port=free_port()
                ),
            }
        )
        service = PipelineExporterService(settings)
        lag = re.compile(
            r'^gridtokenx_pipeline_consumer_lag\{group="matcher",topic="order-commands"\} (\S+)$',
            re.MULTILINE,
        )
        slot = re.compile(r"^gridtokenx_pipeline_chain_slot (\S+)$", re.MULTILINE)
        with launched(service, os.environ) as run:
            deadline = time.monotonic() + _WAIT_S
            text = ""
            while time.monotonic() < deadline:
                text = httpx.get(service.metrics_url(), timeout=5.0).text
                if lag.search(text) and slot.search(text):
                    break
                time.sleep(0.5)
            lag_match = lag.search(text)
            slot_match = slot.search(text)
            assert lag_match is not None, text[-3000:]
            assert slot_match is not None, text[-3000:]
            assert float(lag_match[1]) >= 0
            assert float(slot_match[1]) > 0
            assert "gridtokenx_pipeline_settlement_pending 0.0" in text
        assert run.returncode == 0, run.output[-2000:]
