"""Independent, seeded random streams: one per purpose, so a new use never shifts another."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """The purpose of a random stream; part of its seed, so values must never be reused."""

    TOPOLOGY = 1
    KINDS = 2
    EQUIPMENT = 3
    WEATHER = 4
    LOAD_NOISE = 5
    EV_SESSIONS = 6
    METER_IDS = 7


def rng_for(seed: int, stream: Stream, *keys: int) -> np.random.Generator:
    """The generator of ``stream`` for the fleet ``seed`` (and optional extra ``keys``)."""
    return np.random.default_rng(np.random.SeedSequence([seed, int(stream), *keys]))
