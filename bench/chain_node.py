"""Throughput and confirmation latency of the local chain node, with its fsynced log on.

The node runs as its own process pinned to CPU 1 (``taskset -c 1``); this client pins itself to
CPU 0. It funds payers, pre-signs system transfers (so the client's signing is not measured),
then sends them all with ``sendTransaction`` (base64, preflight on, as wallets send) from
concurrent HTTP keep-alive connections. A sample of the signatures is subscribed to over the
WebSocket beforehand; confirmation latency is from a transaction's send to its
``signatureNotification``, which the node emits only after the log is fsynced. Every transaction
is then checked finalized and error-free. Ends with
``chain_node send_tps=<n> confirm_p50_ms=<n> confirm_p99_ms=<n>``; the target is send_tps >= 2000.

Run from the repository root: ``.venv/bin/python bench/chain_node.py``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import aiohttp
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction

# The node launcher is shared with the integration tests, which live beside bench/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chain.node.node_process import NodeProcess

MACHINE = "2-core polyglot VM"
ROUNDS = 3
TRANSACTIONS = 6_000
PAYERS = 32
CONCURRENCY = 32
SAMPLE_EVERY = 10
"""One transaction in this many is followed over the WebSocket for its confirmation latency."""
CLIENT_CPU = 0
NODE_CPU = 1
_STATUS_BATCH = 256


async def _rpc(session: aiohttp.ClientSession, url: str, method: str, *params: object) -> object:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    async with session.post(url, json=body) as response:
        reply = await response.json()
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


async def _statuses(
    session: aiohttp.ClientSession, url: str, signatures: list[Signature]
) -> list[dict[str, object] | None]:
    found: list[dict[str, object] | None] = []
    for start in range(0, len(signatures), _STATUS_BATCH):
        chunk = [str(each) for each in signatures[start : start + _STATUS_BATCH]]
        result = await _rpc(session, url, "getSignatureStatuses", chunk)
        assert isinstance(result, dict)
        found += result["value"]
    return found


async def _until_finalized(
    session: aiohttp.ClientSession, url: str, signatures: list[Signature]
) -> list[dict[str, object] | None]:
    deadline = time.monotonic() + 60
    while True:
        statuses = await _statuses(session, url, signatures)
        finalized = [s for s in statuses if s and s["confirmationStatus"] == "finalized"]
        if len(finalized) == len(signatures) or time.monotonic() > deadline:
            return statuses
        await asyncio.sleep(0.1)


def _presign(
    payers: list[Keypair], blockhash: Hash, round_index: int
) -> list[tuple[Signature, str]]:
    """Signed transfers and their request bodies, each unique (lamports differ) in all rounds."""
    recipients = [Pubkey.new_unique() for _ in range(64)]
    bodies = []
    for index in range(TRANSACTIONS):
        payer = payers[index % PAYERS]
        instruction = transfer(
            TransferParams(
                from_pubkey=payer.pubkey(),
                to_pubkey=recipients[index % len(recipients)],
                lamports=1_000_000 + round_index * TRANSACTIONS + index,
            )
        )
        signed = Transaction([payer], Message([instruction], payer.pubkey()), blockhash)
        encoded = base64.b64encode(bytes(signed)).decode()
        request = {
            "jsonrpc": "2.0",
            "id": index,
            "method": "sendTransaction",
            "params": [encoded, {"encoding": "base64"}],
        }
        bodies.append((signed.signatures[0], json.dumps(request)))
    return bodies


async def _listen(
    socket: aiohttp.ClientWebSocketResponse, confirmed_at: dict[int, float], expected: int
) -> None:
    while len(confirmed_at) < expected:
        message = json.loads((await socket.receive()).data)
        if message.get("method") == "signatureNotification":
            confirmed_at[message["params"]["subscription"]] = time.perf_counter()


@dataclass(frozen=True)
class Round:
    send_tps: float
    latencies_ms: list[float]
    landed: int


async def _round(
    session: aiohttp.ClientSession, node: NodeProcess, payers: list[Keypair], round_index: int
) -> Round:
    url = node.rpc_url
    latest = await _rpc(session, url, "getLatestBlockhash")
    assert isinstance(latest, dict)
    presigned = _presign(payers, Hash.from_string(latest["value"]["blockhash"]), round_index)
    signatures = [signature for signature, _ in presigned]
    bodies = [body for _, body in presigned]

    socket = await session.ws_connect(node.ws_url)
    subscription_of: dict[int, int] = {}
    for index in range(0, TRANSACTIONS, SAMPLE_EVERY):
        request = {
            "jsonrpc": "2.0",
            "id": index,
            "method": "signatureSubscribe",
            "params": [str(signatures[index]), {"commitment": "confirmed"}],
        }
        await socket.send_str(json.dumps(request))
        subscription_of[index] = json.loads((await socket.receive()).data)["result"]
    confirmed_at: dict[int, float] = {}
    listener = asyncio.create_task(_listen(socket, confirmed_at, len(subscription_of)))

    sent_at: dict[int, float] = {}
    next_index = iter(range(TRANSACTIONS))
    headers = {"Content-Type": "application/json"}

    async def sender() -> None:
        for index in next_index:
            sent_at[index] = time.perf_counter()
            async with session.post(url, data=bodies[index], headers=headers) as response:
                reply = await response.json()
            if "error" in reply:
                raise RuntimeError(f"sendTransaction: {reply['error']}")

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(CONCURRENCY)))
    elapsed_s = time.perf_counter() - started
    await asyncio.wait_for(listener, 60)
    await socket.close()

    latencies_ms = [
        (confirmed_at[subscription_of[index]] - sent_at[index]) * 1000 for index in subscription_of
    ]
    statuses = await _until_finalized(session, url, signatures)
    landed = sum(1 for status in statuses if status and status["err"] is None)
    return Round(TRANSACTIONS / elapsed_s, latencies_ms, landed)


async def run(node: NodeProcess) -> list[Round]:
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        payers = [Keypair() for _ in range(PAYERS)]
        airdrops = [
            Signature.from_string(
                str(
                    await _rpc(session, node.rpc_url, "requestAirdrop", str(payer.pubkey()), 10**12)
                )
            )
            for payer in payers
        ]
        await _until_finalized(session, node.rpc_url, airdrops)
        return [await _round(session, node, payers, index) for index in range(ROUNDS)]


def main() -> None:
    os.sched_setaffinity(0, {CLIENT_CPU})
    with tempfile.TemporaryDirectory(prefix="chain-node-bench-") as state:
        node = NodeProcess(Path(state) / "chain", cpu=NODE_CPU)
        node.start()
        try:
            rounds = asyncio.run(run(node))
        finally:
            node.stop()
    latencies_ms = [latency for each in rounds for latency in each.latencies_ms]
    send_tps = statistics.median(each.send_tps for each in rounds)
    p50_ms = statistics.median(latencies_ms)
    p99_ms = statistics.quantiles(latencies_ms, n=100)[98]
    load_1m, load_5m, _ = os.getloadavg()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(
        f"machine: {MACHINE} (host {platform.node()}, {os.cpu_count()} cores, "
        f"{platform.machine()}), Python {platform.python_version()}, "
        f"solders {version('solders')}, aiohttp {version('aiohttp')}"
    )
    print(f"load average at the end: {load_1m:.2f} (1 min), {load_5m:.2f} (5 min)")
    print(f"node on CPU {NODE_CPU} (taskset), client on CPU {CLIENT_CPU}; log fsync on")
    print(
        f"{ROUNDS} rounds of {TRANSACTIONS} pre-signed system transfers from {PAYERS} payers, "
        f"sendTransaction base64 with preflight, {CONCURRENCY} concurrent HTTP connections"
    )
    for index, each in enumerate(rounds):
        print(
            f"round {index + 1}: {each.send_tps:.0f} tx/s, "
            f"landed without error {each.landed}/{TRANSACTIONS}"
        )
    print(f"send throughput (median round): {send_tps:.0f} tx/s")
    print(
        f"confirmation (send -> signatureNotification, {len(latencies_ms)} sampled): "
        f"p50 {p50_ms:.1f} ms, p99 {p99_ms:.1f} ms, max {max(latencies_ms):.1f} ms"
    )
    print(
        f"chain_node send_tps={send_tps:.0f} "
        f"confirm_p50_ms={p50_ms:.0f} confirm_p99_ms={p99_ms:.0f}"
    )


if __name__ == "__main__":
    main()
