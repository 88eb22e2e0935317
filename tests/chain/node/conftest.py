from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chain.node.node_process import NodeProcess


@pytest.fixture
def node(tmp_path: Path) -> Iterator[NodeProcess]:
    """A fresh node for a test that changes or kills it."""
    process = NodeProcess(tmp_path / "chain")
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="session")
def shared_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """One node for all tests that only read or add independent transactions."""
    process = NodeProcess(tmp_path_factory.mktemp("shared") / "chain")
    process.start()
    try:
        yield process
    finally:
        process.stop()
