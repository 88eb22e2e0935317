"""@solana/web3.js and @solana/spl-token from npm, unmodified, against the real node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.chain.node.node_process import NodeProcess

pytestmark = pytest.mark.integration

JS_PROJECT = Path(__file__).parent / "js"
_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def js_project() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("this test needs Node.js and npm on PATH (apt-get install nodejs npm)")
    if not (JS_PROJECT / "node_modules").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=JS_PROJECT,
            check=True,
            timeout=_TIMEOUT_S * 3,
        )
    return JS_PROJECT


def test_airdrop_mint_and_transfer_with_web3_js(js_project: Path, shared_node: NodeProcess) -> None:
    node = shared_node
    finished = subprocess.run(
        ["node", "token_flow.js", node.rpc_url, node.ws_url],
        cwd=js_project,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    observed = json.loads(finished.stdout.strip().splitlines()[-1])
    assert observed["balance"] is True
    assert (observed["sourceAmount"], observed["destAmount"]) == ("750000", "250000")
    assert observed["transactionErr"] is None
    assert observed["postTokenBalances"] == 2
    assert observed["parsedOwner"] == observed["recipient"]
    assert observed["accountNotificationBytes"] == 165
