from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chain.local_chain import LocalChain, bootstrapped_chain


@pytest.fixture(scope="session")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    """One private node bootstrapped through the stack's provisioning, shared by tests that
    only add independent transactions."""
    with bootstrapped_chain(tmp_path_factory.mktemp("bootstrapped")) as chain:
        yield chain
