"""Per-signature Ed25519 cost from Python: solders, PyNaCl and the gridtokenx_ed25519 extension.

Signs, derives keys and verifies ``SAMPLE`` reading-sized (56-byte) messages, each with its own
key, in ``ROUNDS`` interleaved rounds (every implementation once per round, so a change in the
shared machine's load touches them all) and prints the median and best microseconds per
signature. One-by-one rows call the library once per signature from Python, as a caller holding
separate objects would; batch rows pass contiguous buffers. ``verify_each`` is the ingestion call
(from ``(key, message, signature)`` triples, on every core). Ends with the summary line
``ed25519 sign_us=<n> verify_us=<n>`` (the extension on 2 threads).

Run from the repository root: ``.venv/bin/python bench/ed25519.py``.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from gridtokenx_ed25519 import SigningKeys, verify_batch
from nacl.signing import SigningKey, VerifyKey
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.telemetry import READING_MESSAGE_LEN
from gridtokenx.telemetry.signatures import VERIFY_THREADS, verify_each

SAMPLE = 10_000
ROUNDS = 5
CARGO_LOCK = Path(__file__).parent.parent / "native" / "gtx_ed25519" / "Cargo.lock"


@dataclass(frozen=True)
class Case:
    operation: str
    implementation: str
    threads: int
    run: Callable[[], object]


@dataclass(frozen=True)
class Material:
    """``SAMPLE`` seeds, messages and signatures, as separate objects and as buffers."""

    seeds: list[bytes]
    messages: list[bytes]
    keys: SigningKeys
    public_keys: list[bytes]
    signatures: list[bytes]

    @staticmethod
    def make() -> Material:
        seeds = [os.urandom(32) for _ in range(SAMPLE)]
        messages = [os.urandom(READING_MESSAGE_LEN) for _ in range(SAMPLE)]
        keys = SigningKeys(b"".join(seeds))
        public_buffer = keys.public_keys()
        signature_buffer = keys.sign(b"".join(messages), READING_MESSAGE_LEN)
        return Material(
            seeds=seeds,
            messages=messages,
            keys=keys,
            public_keys=[public_buffer[i * 32 : (i + 1) * 32] for i in range(SAMPLE)],
            signatures=[signature_buffer[i * 64 : (i + 1) * 64] for i in range(SAMPLE)],
        )


def cases(material: Material) -> list[Case]:
    m = material
    keypairs = [Keypair.from_seed(seed) for seed in m.seeds]
    nacl_keys = [SigningKey(seed) for seed in m.seeds]
    single_keys = [SigningKeys(seed) for seed in m.seeds]
    seed_buffer = b"".join(m.seeds)
    message_buffer = b"".join(m.messages)
    key_buffer = b"".join(m.public_keys)
    signature_buffer = b"".join(m.signatures)
    triples = list(zip(m.public_keys, m.messages, m.signatures, strict=True))
    rows = list(zip(m.public_keys, m.messages, m.signatures, strict=True))

    def all_valid(results: list[bool]) -> None:
        # A benchmark of the fallback path by mistake would flatter nothing: insist on success.
        assert len(results) == SAMPLE
        assert all(results)

    return [
        Case("derive key", "PyNaCl SigningKey(seed)", 1, lambda: [SigningKey(s) for s in m.seeds]),
        Case("derive key", "extension SigningKeys", 1, lambda: SigningKeys(seed_buffer, 1)),
        Case("derive key", "extension SigningKeys", 2, lambda: SigningKeys(seed_buffer, 2)),
        Case(
            "sign",
            "solders Keypair.sign_message",
            1,
            lambda: [k.sign_message(msg) for k, msg in zip(keypairs, m.messages, strict=True)],
        ),
        Case(
            "sign",
            "PyNaCl SigningKey.sign",
            1,
            lambda: [k.sign(msg) for k, msg in zip(nacl_keys, m.messages, strict=True)],
        ),
        Case(
            "sign",
            "extension, one by one",
            1,
            lambda: [k.sign(msg, 56) for k, msg in zip(single_keys, m.messages, strict=True)],
        ),
        Case("sign", "extension batch", 1, lambda: m.keys.sign(message_buffer, 56, 1)),
        Case("sign", "extension batch", 2, lambda: m.keys.sign(message_buffer, 56, 2)),
        Case(
            "verify",
            "solders Signature.verify",
            1,
            lambda: all_valid(
                [Signature.from_bytes(s).verify(Pubkey.from_bytes(k), msg) for k, msg, s in rows]
            ),
        ),
        Case(
            "verify",
            "PyNaCl VerifyKey.verify",
            1,
            lambda: [VerifyKey(k).verify(msg, s) for k, msg, s in rows],
        ),
        Case(
            "verify",
            "extension, one by one",
            1,
            lambda: all_valid([verify_batch(k, msg, 56, s)[0] for k, msg, s in rows]),
        ),
        Case(
            "verify",
            "extension batch",
            1,
            lambda: all_valid(verify_batch(key_buffer, message_buffer, 56, signature_buffer, 1)),
        ),
        Case(
            "verify",
            "extension batch",
            2,
            lambda: all_valid(verify_batch(key_buffer, message_buffer, 56, signature_buffer, 2)),
        ),
        Case(
            "verify",
            "verify_each(triples)",
            VERIFY_THREADS,
            lambda: all_valid(verify_each(triples)),
        ),
    ]


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    dalek = re.search(r'name = "ed25519-dalek"\nversion = "([^"]+)"', CARGO_LOCK.read_text())
    return (
        f"machine: {platform.node()} ({model.group(1) if model else 'unknown CPU'}, "
        f"{os.cpu_count()} cores, {platform.machine()}), Python {platform.python_version()}, "
        f"solders {version('solders')}, PyNaCl {version('pynacl')}, "
        f"ed25519-dalek {dalek.group(1) if dalek else '?'}"
    )


def main() -> None:
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(machine())
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    material = Material.make()
    all_cases = cases(material)
    timings: dict[int, list[float]] = {index: [] for index in range(len(all_cases))}
    for _ in range(ROUNDS):
        for index, case in enumerate(all_cases):
            started = time.perf_counter()
            case.run()
            timings[index].append((time.perf_counter() - started) / SAMPLE * 1e6)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"{SAMPLE:,} signatures of {READING_MESSAGE_LEN} bytes, {ROUNDS} rounds, us/signature")
    print(f"{'operation':<11} {'implementation':<30} {'threads':>7} {'median':>8} {'best':>8}")
    for index, case in enumerate(all_cases):
        median, best = statistics.median(timings[index]), min(timings[index])
        print(
            f"{case.operation:<11} {case.implementation:<30} {case.threads:>7} "
            f"{median:>8.1f} {best:>8.1f}"
        )
    summary = {
        case.operation: statistics.median(timings[index])
        for index, case in enumerate(all_cases)
        if case.implementation == "extension batch" and case.threads == 2
    }
    print(f"ed25519 sign_us={summary['sign']:.1f} verify_us={summary['verify']:.1f}")


if __name__ == "__main__":
    main()
