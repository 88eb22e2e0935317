from __future__ import annotations

from collections.abc import Iterator

import pytest

from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.utils.databases import scratch_database


@pytest.fixture(scope="module")
def agents_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    """A private node bootstrapped as the stack bootstraps the shared one; each test trades
    with the owners of a fleet of its own seed."""
    with bootstrapped_chain(tmp_path_factory.mktemp("agents")) as chain:
        yield chain


@pytest.fixture
def agents_base_settings(running_stack: Settings, agents_chain: LocalChain) -> Iterator[Settings]:
    """The private chain's settings with a fresh database at the newest schema."""
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield agents_chain.settings.model_copy(update={"postgres": postgres})
