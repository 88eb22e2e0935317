from __future__ import annotations

from pathlib import Path

import pytest

from gridtokenx.chain.node.errors import ChainStateError
from gridtokenx.chain.node.wal import TransactionLog, decode_records, encode_record


def test_records_round_trip_and_a_torn_tail_is_ignored() -> None:
    blob = encode_record(5, b"first") + encode_record(6, b"second")
    assert decode_records(blob) == ([(5, b"first"), (6, b"second")], len(blob))
    torn = blob + encode_record(7, b"third")[:-1]
    assert decode_records(torn) == ([(5, b"first"), (6, b"second")], len(blob))
    corrupt = bytearray(blob)
    corrupt[-1] ^= 0xFF
    assert decode_records(bytes(corrupt))[0] == [(5, b"first")]


def test_the_log_replays_what_was_appended_and_truncates_torn_writes(tmp_path: Path) -> None:
    path = tmp_path / "transactions.wal"
    log = TransactionLog(path, fsync=True)
    log.append(encode_record(1, b"a") + encode_record(2, b"b"))
    log.close()
    intact_size = path.stat().st_size
    with path.open("ab") as file:
        file.write(b"\x09\x00")
    assert list(TransactionLog(path, fsync=True).replay()) == [(1, b"a"), (2, b"b")]
    assert path.stat().st_size == intact_size


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "transactions.wal"
    path.write_bytes(b"something else")
    with pytest.raises(ChainStateError, match="not a GridTokenX transaction log"):
        list(TransactionLog(path, fsync=False).replay())
