"""A private node bootstrapped as `gridtokenx stack up` bootstraps the shared one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gridtokenx.chain.addresses import ChainAddresses, load_addresses
from gridtokenx.config import ChainSettings, Settings
from gridtokenx.stack.services.chain_node import ChainNodeService
from tests.chain.node.node_process import NodeProcess

FAST_NODE_ENV = {"GRIDTOKENX_CHAIN__WAL_FSYNC": "false"}
"""Test nodes skip fsync: durability has its own tests, here it only costs time."""


@contextmanager
def running_node(state_dir: Path, **env: str) -> Iterator[NodeProcess]:
    """A node subprocess with extra ``GRIDTOKENX_*`` environment (slot length, window)."""
    node = NodeProcess(state_dir)
    saved = dict(os.environ)
    os.environ.update({**FAST_NODE_ENV, **env})
    try:
        node.start()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        yield node
    finally:
        node.stop()


def client_settings(node: NodeProcess, state_dir: Path, **chain: object) -> Settings:
    """Settings whose chain state is ``node``'s, with quick resend and polling for tests."""
    assert node.state_dir == state_dir / "chain"
    values: dict[str, object] = {
        "rpc_port": node.rpc_port,
        "ws_port": node.ws_port,
        "poll_interval_s": 0.05,
        "resend_interval_s": 0.2,
        "confirm_timeout_s": 30.0,
        **chain,
    }
    return Settings(state_dir=state_dir, chain=ChainSettings.model_validate(values))


@dataclass(frozen=True)
class LocalChain:
    node: NodeProcess
    settings: Settings
    addresses: ChainAddresses


@contextmanager
def bootstrapped_chain(state_dir: Path) -> Iterator[LocalChain]:
    with running_node(state_dir / "chain") as node:
        settings = client_settings(node, state_dir)
        ChainNodeService(settings).provision()
        yield LocalChain(node, settings, load_addresses(settings.chain_addresses_file))
