"""The schema-1 record value and its numpy view agree field by field."""

from __future__ import annotations

import uuid

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core.ids import MeterId
from gridtokenx.telemetry.envelope import ENVELOPE_DTYPE, ENVELOPE_LEN, encode_envelope
from gridtokenx.telemetry.reading import (
    I64_MAX,
    READING_DOMAIN_TAG,
    ReadingMessage,
    encode_reading,
)


@given(
    export_wh=st.integers(0, 2**64 - 1),
    import_wh=st.integers(0, 2**64 - 1),
    timestamp_ms=st.integers(0, I64_MAX),
    signature=st.binary(min_size=64, max_size=64),
)
def test_the_dtype_reads_what_encode_envelope_wrote(
    export_wh: int, import_wh: int, timestamp_ms: int, signature: bytes
) -> None:
    meter = uuid.uuid4()
    message = encode_reading(
        ReadingMessage(
            meter_id=MeterId(meter),
            export_wh=export_wh,
            import_wh=import_wh,
            timestamp_ms=timestamp_ms,
        )
    )
    value = encode_envelope(message, signature)
    assert len(value) == ENVELOPE_LEN == ENVELOPE_DTYPE.itemsize
    (row,) = np.frombuffer(value * 1, ENVELOPE_DTYPE)
    assert row["schema_version"] == 1
    fields = row["message"]
    assert fields["domain_tag"] == READING_DOMAIN_TAG
    assert bytes(fields["meter_id"]) == meter.bytes
    assert (int(fields["export_wh"]), int(fields["import_wh"])) == (export_wh, import_wh)
    assert int(fields["timestamp_ms"]) == timestamp_ms
    assert bytes(row["signature"]) == signature
