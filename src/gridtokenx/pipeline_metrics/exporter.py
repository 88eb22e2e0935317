"""Probe the pipeline on a timer and publish the figures as gauges.

:func:`record` is the pure part (a pipeline-health document in, gauges set, the sections that
failed out); :func:`export` is the loop of the process, with its PostgreSQL engine and RPC
client.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.config import Settings
from gridtokenx.gateway.database import create_engine
from gridtokenx.pipeline_health import pipeline_health
from gridtokenx.pipeline_metrics.metrics import (
    CHAIN_SLOT,
    CONSUMER_LAG,
    DEAD_LETTERS,
    MINT_PENDING,
    PROBE_ERRORS,
    PROBES,
    SETTLEMENT_OLDEST_PENDING_AGE,
    SETTLEMENT_PENDING,
    SETTLEMENT_SUBMITTED,
)

_log = logging.getLogger(__name__)
_MIN_WINDOW_S = 10
_UNKNOWN = math.nan
"""What a label-less gauge holds while its source does not answer: every comparison with NaN is
false, so no alert fires on a stale figure."""


def record(document: Mapping[str, Any]) -> list[str]:
    """Set every gauge from one ``pipeline_health`` document; the sections that had an error
    (their gauges are dropped or set to NaN), in document order."""
    failed: list[str] = []

    def fail(section: str) -> None:
        if section not in failed:
            failed.append(section)

    CONSUMER_LAG.clear()
    for entry in document["consumer_groups"]:
        if "error" in entry:
            fail("consumer_groups")
        else:
            CONSUMER_LAG.labels(entry["group"], entry["topic"]).set(entry["total_lag"])
    DEAD_LETTERS.clear()
    for entry in document["dead_letters"]:
        if "error" in entry:
            fail("dead_letters")
        else:
            DEAD_LETTERS.labels(entry["topic"]).set(entry["records"])
    mint = document["mint"]
    if "error" in mint:
        fail("mint")
    MINT_PENDING.set(mint.get("pending", _UNKNOWN))
    settlement = document["settlement"]
    if "error" in settlement:
        fail("settlement")
        for gauge in (SETTLEMENT_PENDING, SETTLEMENT_SUBMITTED, SETTLEMENT_OLDEST_PENDING_AGE):
            gauge.set(_UNKNOWN)
    else:
        SETTLEMENT_PENDING.set(settlement["pending"])
        SETTLEMENT_SUBMITTED.set(settlement["submitted"])
        SETTLEMENT_OLDEST_PENDING_AGE.set(settlement["oldest_pending_age_s"] or 0)
    chain = document["chain"]
    if "error" in chain:
        fail("chain")
    CHAIN_SLOT.set(chain.get("slot", _UNKNOWN))
    return failed


async def export(settings: Settings, stop: asyncio.Event, cycles: int | None = None) -> None:
    """Probe every ``pipeline_exporter.interval_s`` until ``stop`` is set or ``cycles`` ran."""
    options = settings.pipeline_exporter
    window_s = max(_MIN_WINDOW_S, math.ceil(options.interval_s))
    engine = create_engine(settings.postgres)
    rpc = SolanaRpc(
        settings.chain.client_rpc_url,
        timeout_s=settings.chain.request_timeout_s,
        commitment=settings.chain.commitment,
    )
    try:
        done = 0
        while not stop.is_set():
            document = await pipeline_health(
                settings, engine, rpc, now=datetime.now(UTC), window_s=window_s
            )
            for section in record(document):
                _log.warning("pipeline probe: %s: %s", section, _errors(document, section))
                PROBE_ERRORS.labels(section).inc()
            PROBES.inc()
            done += 1
            if cycles is not None and done >= cycles:
                return
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), options.interval_s)
    finally:
        await rpc.aclose()
        await engine.dispose()


def _errors(document: Mapping[str, Any], section: str) -> list[str]:
    part = document[section]
    entries = part if isinstance(part, list) else [part]
    return [str(entry["error"]) for entry in entries if "error" in entry]
