from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.utils.databases import scratch_database
from tests.utils.kafka import scratch_topics
from tests.utils.ports import free_port


@pytest.fixture(scope="module")
def settlement_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    """A private node bootstrapped as the stack bootstraps the shared one; each test trades
    between funded sellers and buyers of its own."""
    with bootstrapped_chain(tmp_path_factory.mktemp("settlement")) as chain:
        yield chain


@pytest.fixture
def settlement_settings(
    running_stack: Settings, settlement_chain: LocalChain
) -> Iterator[Settings]:
    """The private chain, a fresh database at the newest schema, scratch ``trades`` and
    ``order-releases`` topics and a consumer group of this test's own."""
    with (
        scratch_database(running_stack.postgres) as postgres,
        scratch_topics(
            running_stack.kafka.bootstrap_servers, {"trades": 1, "releases": 1}
        ) as topics,
    ):
        upgrade_to_head(postgres.url)
        base = settlement_chain.settings
        suffix = uuid.uuid4().hex[:8]
        yield base.model_copy(
            update={
                "postgres": postgres,
                "kafka": running_stack.kafka,
                "market": base.market.model_copy(
                    update={"trades_topic": topics["trades"], "releases_topic": topics["releases"]}
                ),
                "settlement": base.settlement.model_copy(
                    update={
                        "consumer_group": f"test-settlement-{suffix}",
                        "instance_id": f"test-settlement-{suffix}",
                        "metrics_port": free_port(),
                        "confirm_poll_ms": 20,
                        "resend_interval_ms": 300,
                        "idle_interval_ms": 50,
                        "max_linger_ms": 100,
                    }
                ),
            }
        )
