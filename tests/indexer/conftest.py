from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chain.local_chain import LocalChain, bootstrapped_chain


@pytest.fixture(scope="module")
def indexer_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    """One private node per module; each test starts its indexer's cursor at the head it finds
    (the transactions of earlier tests are history to it)."""
    with bootstrapped_chain(tmp_path_factory.mktemp("indexer")) as chain:
        yield chain
