"""The node's durable state: a genesis file and a write-ahead log of executed transactions.

Choice: a log of transactions, replayed at start, rather than account snapshots. LiteSVM cannot
list all of its accounts, so a snapshot would have to track every account a transaction wrote;
the log is append-only, one small record per transaction (about 8 + 8 + its wire size, under
1.3 kB), and replaying it rebuilds accounts, statuses and history for ``getTransaction``
deterministically (each transaction runs at its recorded slot and time, with signature checks
off because they passed once). The cost is start-up time proportional to history (about
30 µs per system transfer on this machine, so some 30 s per million transactions) and a log
that grows without compaction.

Record: ``u32 payload length | u32 CRC-32 of payload | u64 slot | transaction bytes``. A record
torn by a crash fails its length or CRC check; replay stops there and the tail is truncated.

Fsync policy: group commit. The node appends every executed transaction to an in-memory batch; a
single committer writes the batch and fsyncs the file, and only then are the batch's
transactions reported confirmed (statuses, ``signatureSubscribe``, ``getTransaction``). A
``kill -9`` therefore loses only transactions that no client has seen confirmed.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from gridtokenx.chain.node.errors import ChainStateError

_HEADER = struct.Struct("<II")
_SLOT = struct.Struct("<Q")
_MAGIC = b"GTXWAL1\n"


def encode_record(slot: int, transaction: bytes) -> bytes:
    payload = _SLOT.pack(slot) + transaction
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def decode_records(blob: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """The (slot, transaction) records in ``blob`` and the length of its intact prefix."""
    records: list[tuple[int, bytes]] = []
    position = 0
    while position + _HEADER.size <= len(blob):
        length, checksum = _HEADER.unpack_from(blob, position)
        start = position + _HEADER.size
        payload = blob[start : start + length]
        if length < _SLOT.size or len(payload) != length or zlib.crc32(payload) != checksum:
            break
        (slot,) = _SLOT.unpack_from(payload)
        records.append((slot, payload[_SLOT.size :]))
        position = start + length
    return records, position


class TransactionLog:
    """The append-only log file; ``append`` is called by one committer at a time."""

    def __init__(self, path: Path, *, fsync: bool) -> None:
        self.path = path
        self._fsync = fsync
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            self._create()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def _create(self) -> None:
        temporary = self.path.with_suffix(".new")
        temporary.write_bytes(_MAGIC)
        with temporary.open("rb") as file:
            os.fsync(file.fileno())
        temporary.rename(self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def replay(self) -> Iterator[tuple[int, bytes]]:
        """Every intact record in order; truncates a torn tail left by a crash."""
        blob = self.path.read_bytes()
        if not blob.startswith(_MAGIC):
            raise ChainStateError(
                f"{self.path} is not a GridTokenX transaction log; "
                "move it away to start the chain from genesis"
            )
        records, intact = decode_records(blob[len(_MAGIC) :])
        if len(_MAGIC) + intact < len(blob):
            os.truncate(self.path, len(_MAGIC) + intact)
        return iter(records)

    def append(self, records: bytes) -> None:
        """Write ``records`` (concatenated encoded records) and, if enabled, fsync them."""
        view = memoryview(records)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        if self._fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)
