"""Each meter's Ed25519 key, derived from the fleet seed, and signing of whole message buffers.

Key derivation (simulator only; a real meter generates its key in its secure element): the
32-byte Ed25519 seed of meter ``i`` is ``SHA-256("GRIDTOKENX:KEY:1" || seed u64 LE || i u64 LE)``.
The simulator also stands in for each meter's owner, whose wallet key seed is the same hash
under the tag ``GRIDTOKENX:OWN:1`` (a separate tag, so a device key is never a wallet key).

Keys live in the native ``gridtokenx_ed25519`` extension (ed25519-dalek, built by
``make native``), which expands them once and signs a tick's contiguous message buffer in one
call on ``threads`` threads with the GIL released. Signatures are deterministic (RFC 8032), so
the thread count never changes them.
"""

from __future__ import annotations

import hashlib
from typing import Final

import numpy as np
import numpy.typing as npt
from gridtokenx_ed25519 import SigningKeys

from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.telemetry.reading import PUBLIC_KEY_LEN

KEY_DERIVATION_TAG: Final = b"GRIDTOKENX:KEY:1"
OWNER_KEY_DERIVATION_TAG: Final = b"GRIDTOKENX:OWN:1"


def derive_key_seed(fleet_seed: int, meter_index: int) -> bytes:
    """The 32-byte Ed25519 seed of meter ``meter_index`` of the fleet ``fleet_seed``."""
    return _derive(KEY_DERIVATION_TAG, fleet_seed, meter_index)


def derive_owner_key_seed(fleet_seed: int, meter_index: int) -> bytes:
    """The 32-byte Ed25519 seed of the wallet that owns meter ``meter_index``."""
    return _derive(OWNER_KEY_DERIVATION_TAG, fleet_seed, meter_index)


def _derive(tag: bytes, fleet_seed: int, meter_index: int) -> bytes:
    return hashlib.sha256(
        tag + fleet_seed.to_bytes(8, "little") + meter_index.to_bytes(8, "little")
    ).digest()


class MeterKeyring:
    """The Ed25519 keys of a fleet, meter ``i`` at index ``i``."""

    def __init__(self, fleet_seed: int, meter_count: int, threads: int) -> None:
        self._threads = threads
        seeds = b"".join(derive_key_seed(fleet_seed, index) for index in range(meter_count))
        self._keys = SigningKeys(seeds, threads)
        self.public_keys: npt.NDArray[np.uint8] = np.frombuffer(
            self._keys.public_keys(), dtype=np.uint8
        ).reshape(meter_count, PUBLIC_KEY_LEN)

    def sign(self, messages: bytes, message_len: int) -> bytes:
        """Signatures of the ``n`` messages in ``messages``, 64 bytes each, in order.

        Message ``i`` is signed with meter ``i``'s key.
        """
        count = len(self._keys)
        if len(messages) != count * message_len:
            raise SimulatorError(
                f"sign needs one {message_len}-byte message per meter ({count * message_len} "
                f"bytes), got {len(messages)} bytes"
            )
        return self._keys.sign(messages, message_len, self._threads)
