"""The local Solana node: LiteSVM behind Solana's JSON-RPC and PubSub (`gridtokenx chain node`)."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import httpx

from gridtokenx.chain.bootstrap import BootstrapOptions, program_dir, run_bootstrap
from gridtokenx.chain.node.genesis_programs import CHECKOUT_PROGRAM_DIR
from gridtokenx.stack.errors import HealthCheckFailed, ServiceStartError
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0
_log = logging.getLogger(__name__)


class ChainNodeService(Service):
    name = "chain-node"
    version = "0.29"
    """The solders (LiteSVM) release the node runs."""

    def ports(self) -> list[ServicePort]:
        chain = self.settings.chain
        return [
            ServicePort("rpc", chain.host, chain.rpc_port, "GRIDTOKENX_CHAIN__RPC_PORT"),
            ServicePort("pubsub", chain.host, chain.ws_port, "GRIDTOKENX_CHAIN__WS_PORT"),
        ]

    def urls(self) -> list[tuple[str, str]]:
        chain = self.settings.chain
        return [
            ("Solana JSON-RPC (wallets: custom RPC URL)", chain.rpc_url),
            ("program, mint and market addresses", "`gridtokenx chain addresses`"),
        ]

    @property
    def home(self) -> Path:
        return self.settings.chain_state_dir

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        # Before the node starts: it loads the programs that live at fixed addresses (the local
        # Pyth receiver) when it starts, and bootstrap deploys the others.
        if program_dir(self.settings) == CHECKOUT_PROGRAM_DIR:
            self._build_programs()

    def launch_spec(self) -> LaunchSpec:
        chain = self.settings.chain
        return LaunchSpec(
            argv=(
                sys.executable,
                "-m",
                "gridtokenx",
                "chain",
                "node",
                "--rpc-port",
                str(chain.rpc_port),
                "--ws-port",
                str(chain.ws_port),
                "--state-dir",
                str(self.home),
            ),
            cwd=self.home,
            env={**self._base_env(), **self._settings_env()},
        )

    def _settings_env(self) -> dict[str, str]:
        chain = self.settings.chain
        return {
            "GRIDTOKENX_CHAIN__HOST": chain.host,
            "GRIDTOKENX_CHAIN__SLOT_MS": str(chain.slot_ms),
            "GRIDTOKENX_CHAIN__BLOCKHASH_VALID_SLOTS": str(chain.blockhash_valid_slots),
            "GRIDTOKENX_CHAIN__WAL_FSYNC": str(chain.wal_fsync).lower(),
        }

    def provision(self) -> None:
        """Bootstrap the local chain (programs, GXT mint, registry, market, addresses file) if
        it is not yet; on a bootstrapped chain this only verifies (a few reads)."""
        report = asyncio.run(run_bootstrap(self.settings, BootstrapOptions()))
        for action in report.actions:
            _log.info("chain-node: %s", action)
        for warning in report.warnings:
            _log.warning("chain-node: %s", warning)

    def _build_programs(self) -> None:
        checkout = CHECKOUT_PROGRAM_DIR.parents[1]
        if not (checkout / "Makefile").exists():
            # An installed package without its checkout: bootstrap names the missing programs.
            return
        result = subprocess.run(
            ["make", "-s", "programs"], cwd=checkout, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise ServiceStartError(
                f"chain-node: `make programs` failed in {checkout}: "
                f"{(result.stderr or result.stdout).strip()[-2000:]}"
            )

    def check_health(self) -> None:
        try:
            with httpx.Client(base_url=self.settings.chain.rpc_url, timeout=_TIMEOUT_S) as client:
                health = _rpc(client, "getHealth")
                latest = _rpc(client, "getLatestBlockhash")
        except (httpx.HTTPError, ValueError) as exc:
            raise HealthCheckFailed(f"chain-node: {exc}") from exc
        if health != "ok":
            raise HealthCheckFailed(f"chain-node: getHealth answered {health!r}")
        if not isinstance(latest, dict) or "blockhash" not in latest.get("value", {}):
            raise HealthCheckFailed(f"chain-node: getLatestBlockhash answered {latest!r}")


def _rpc(client: httpx.Client, method: str) -> object:
    response = client.post("/", json={"jsonrpc": "2.0", "id": 1, "method": method})
    response.raise_for_status()
    body: dict[str, object] = response.json()
    if "error" in body:
        raise HealthCheckFailed(f"chain-node: {method} failed: {body['error']}")
    return body.get("result")
