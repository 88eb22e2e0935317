"""Bad requests get the JSON-RPC errors a real Solana node gives, and the node keeps going."""

from __future__ import annotations

import base64

import httpx
import pytest
from solders.hash import Hash
from solders.instruction import CompiledInstruction
from solders.keypair import Keypair
from solders.message import Message
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction

from tests.chain.node.node_process import NodeProcess

pytestmark = pytest.mark.integration


def _post(node: NodeProcess, body: object | str) -> httpx.Response:
    content = body if isinstance(body, str) else None
    return httpx.post(node.rpc_url, content=content, json=None if content else body, timeout=10)


def _call(node: NodeProcess, method: str, *params: object) -> dict[str, object]:
    reply: dict[str, object] = _post(
        node, {"jsonrpc": "2.0", "id": 7, "method": method, "params": list(params)}
    ).json()
    return reply


def _error(node: NodeProcess, method: str, *params: object) -> dict[str, object]:
    reply = _call(node, method, *params)
    assert reply["id"] == 7
    error = reply["error"]
    assert isinstance(error, dict)
    return error


def _funded(node: NodeProcess) -> Keypair:
    payer = Keypair()
    assert "result" in _call(node, "requestAirdrop", str(payer.pubkey()), 10**9)
    return payer


def _blockhash(node: NodeProcess) -> Hash:
    result = _call(node, "getLatestBlockhash")["result"]
    assert isinstance(result, dict)
    return Hash.from_string(result["value"]["blockhash"])


def _transfer(payer: Keypair, lamports: int, blockhash: Hash) -> Transaction:
    instruction = transfer(
        TransferParams(from_pubkey=payer.pubkey(), to_pubkey=Keypair().pubkey(), lamports=lamports)
    )
    return Transaction([payer], Message([instruction], payer.pubkey()), blockhash)


def _b64(transaction: Transaction | bytes) -> str:
    return base64.b64encode(bytes(transaction)).decode()


def test_framing_errors_leave_the_node_serving(shared_node: NodeProcess) -> None:
    node = shared_node
    assert _post(node, "{not json").json()["error"]["code"] == -32700
    assert _post(node, '{"id": 1, "method": "getSlot"}').json()["error"]["code"] == -32600
    assert _post(node, "[]").json()["error"]["code"] == -32600
    assert _error(node, "noSuchMethod")["code"] == -32601
    assert _error(node, "getBalance", "not-base58!")["code"] == -32602
    assert _error(node, "getBalance")["code"] == -32602
    not_token = _error(node, "getTokenAccountBalance", str(Keypair().pubkey()))
    assert (not_token["code"], not_token["message"]) == (
        -32602,
        "Invalid param: not a Token account",
    )
    batch = _post(
        node,
        [
            {"jsonrpc": "2.0", "id": 1, "method": "getHealth"},
            {"jsonrpc": "2.0", "id": 2, "method": "nope"},
        ],
    ).json()
    assert [each.get("result") for each in batch] == ["ok", None]
    assert batch[1]["error"]["code"] == -32601
    assert httpx.get(node.rpc_url, timeout=10).status_code == 405
    preflight = httpx.options(node.rpc_url, timeout=10)
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert httpx.get(f"{node.rpc_url}/health", timeout=10).text == "ok"
    assert httpx.post(f"{node.rpc_url}/elsewhere", timeout=10).status_code == 404
    assert _call(node, "getHealth")["result"] == "ok"


def test_transaction_encoding_errors(shared_node: NodeProcess) -> None:
    node = shared_node
    assert _error(node, "sendTransaction", "0OIl", {"encoding": "base58"})["code"] == -32602
    assert _error(node, "sendTransaction", "@@@", {"encoding": "base64"})["code"] == -32602
    assert _error(node, "sendTransaction", _b64(b"\x01abc"), {"encoding": "base64"})["code"] == (
        -32602
    )
    out_of_bounds = Message.new_with_compiled_instructions(
        1, 0, 0, [Keypair().pubkey()], Hash.default(), [CompiledInstruction(9, b"", bytes([5]))]
    )
    unsanitary = Transaction.populate(out_of_bounds, [Signature.default()])
    error = _error(node, "sendTransaction", _b64(unsanitary), {"encoding": "base64"})
    assert (error["code"], error["message"]) == (
        -32602,
        "Invalid params: invalid transaction: index out of bounds",
    )
    oversized = _error(node, "sendTransaction", _b64(bytes(1300)), {"encoding": "base64"})
    assert oversized["code"] == -32602
    assert "too large" in str(oversized["message"])
    assert _call(node, "getHealth")["result"] == "ok"


def test_preflight_failure_has_the_simulation_result(shared_node: NodeProcess) -> None:
    node = shared_node
    payer = _funded(node)
    overdraft = _transfer(payer, 10**12, _blockhash(node))
    error = _error(node, "sendTransaction", _b64(overdraft), {"encoding": "base64"})
    assert error["code"] == -32002
    assert str(error["message"]).startswith("Transaction simulation failed: Error processing")
    data = error["data"]
    assert isinstance(data, dict)
    assert {"err", "logs", "accounts", "unitsConsumed", "returnData"} <= data.keys()
    assert data["err"] == {"InstructionError": [0, {"Custom": 1}]}
    assert any("insufficient lamports" in line for line in data["logs"])
    # Preflight failures never land.
    statuses = _call(node, "getSignatureStatuses", [str(overdraft.signatures[0])])["result"]
    assert isinstance(statuses, dict)
    assert statuses["value"] == [None]


def test_bad_signature_and_unknown_blockhash(shared_node: NodeProcess) -> None:
    node = shared_node
    payer = _funded(node)
    signed = _transfer(payer, 1_000_000, _blockhash(node))
    forged = Transaction.populate(signed.message, [Signature(bytes(64))])
    error = _error(node, "sendTransaction", _b64(forged), {"encoding": "base64"})
    assert error["code"] == -32003
    stale = _transfer(payer, 1_000_000, Hash.new_unique())
    error = _error(node, "sendTransaction", _b64(stale), {"encoding": "base64"})
    assert error["code"] == -32002
    assert isinstance(error["data"], dict)
    assert error["data"]["err"] == "BlockhashNotFound"
    duplicate = _b64(signed)
    assert _call(node, "sendTransaction", duplicate, {"encoding": "base64"})["result"] == str(
        signed.signatures[0]
    )
    error = _error(node, "sendTransaction", duplicate, {"encoding": "base64"})
    assert isinstance(error["data"], dict)
    assert error["data"]["err"] == "AlreadyProcessed"
