"""A private market pipeline on the running stack: a private bootstrapped node, scratch topics
and a scratch migrated database (``tests.indexer.rig``, ``tests.market.service.private_market``),
and the indexer, matcher and settlement running as the stack runs them — ``python -m gridtokenx
indexer run`` / ``market match`` / ``settlement run`` subprocesses (their ``launch_spec``) with
the environment pointing at the private resources and no metrics server."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from gridtokenx.config import Settings
from gridtokenx.market.wire import TradeMessage, decode_trade
from gridtokenx.stack.services.indexer import IndexerService
from gridtokenx.stack.services.matcher import MatcherService
from gridtokenx.stack.services.platform_process import PlatformProcess
from gridtokenx.stack.services.settlement import SettlementService
from tests.chain.local_chain import LocalChain
from tests.indexer.rig import Rig, indexer_rig
from tests.market.service.private_market import PARTITIONS

_STOP_TIMEOUT_S = 30.0

FAST_ENV = {
    "GRIDTOKENX_CHAIN__POLL_INTERVAL_S": "0.05",
    "GRIDTOKENX_CHAIN__RESEND_INTERVAL_S": "0.2",
    "GRIDTOKENX_INDEXER__POLL_INTERVAL_MS": "50",
    "GRIDTOKENX_SETTLEMENT__CONFIRM_POLL_MS": "20",
    "GRIDTOKENX_SETTLEMENT__RESEND_INTERVAL_MS": "300",
    "GRIDTOKENX_SETTLEMENT__IDLE_INTERVAL_MS": "50",
    "GRIDTOKENX_SETTLEMENT__MAX_LINGER_MS": "100",
}
"""Test cadences (the defaults suit a long-running stack, not a test's seconds)."""


@dataclass
class MarketPipeline:
    rig: Rig
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.rig.settings

    def start(self, service: PlatformProcess, **env: str) -> None:
        """``service``'s process as the stack launches it, on the private resources."""
        spec = service.launch_spec()
        group = self.settings.settlement
        environment = {
            **self.rig.environment(),
            **spec.env,
            **FAST_ENV,
            "GRIDTOKENX_SETTLEMENT__CONSUMER_GROUP": group.consumer_group,
            "GRIDTOKENX_SETTLEMENT__INSTANCE_ID": group.instance_id,
            **env,
        }
        with (self.log_dir / f"{service.name}.log").open("ab") as log:
            self.processes[service.name] = subprocess.Popen(
                [*spec.argv, "--no-metrics"],
                cwd=self.log_dir,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def check_running(self) -> None:
        for name, process in self.processes.items():
            assert process.poll() is None, f"{name} exited: {self.log(name)}"

    def stop(self, name: str) -> int:
        """SIGTERM ``name`` and wait for it; its exit code."""
        process = self.processes.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")[-3_000:]

    def trades(self) -> list[TradeMessage]:
        """Every committed trade on the private ``trades`` topic."""
        records = self.rig.market.read_committed(self.settings.market.trades_topic, PARTITIONS)
        return [decode_trade(record.value() or b"") for record in records]

    def commands(self) -> int:
        """Committed records on the private ``order-commands`` topic."""
        topic = self.settings.market.commands_topic
        return len(self.rig.market.read_committed(topic, PARTITIONS))

    def statuses(self) -> dict[tuple[str, int], tuple[str, str | None]]:
        """(market, trade_id) → (status, reason) in ``settlement_trades``."""
        with psycopg.connect(self.settings.postgres.url) as connection:
            rows = connection.execute(
                "SELECT market, trade_id, status, reason FROM settlement_trades"
            ).fetchall()
        return {(market, int(trade)): (status, reason) for market, trade, status, reason in rows}

    def wait(self, predicate: Callable[[], bool], what: str, timeout_s: float = 180.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            self.check_running()
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.1)


@contextmanager
def market_pipeline(stack: Settings, chain: LocalChain, log_dir: Path) -> Iterator[MarketPipeline]:
    """The three processes running on ``chain`` and private topics and database; stopped (and
    the resources dropped) afterwards."""
    with indexer_rig(stack, chain, poll_interval_ms=50) as rig:
        suffix = uuid.uuid4().hex[:8]
        rig.settings = rig.settings.model_copy(
            update={
                "settlement": rig.settings.settlement.model_copy(
                    update={
                        "consumer_group": f"test-settlement-{suffix}",
                        "instance_id": f"test-settlement-{suffix}",
                    }
                )
            }
        )
        rig.market.settings = rig.settings
        pipeline = MarketPipeline(rig, log_dir)
        with ExitStack() as cleanup:
            for service in (
                MatcherService(rig.settings),
                IndexerService(rig.settings),
                SettlementService(rig.settings),
            ):
                cleanup.callback(_stop_quietly, pipeline, service.name)
                pipeline.start(service)
            yield pipeline


def _stop_quietly(pipeline: MarketPipeline, name: str) -> None:
    if name in pipeline.processes:
        pipeline.stop(name)
