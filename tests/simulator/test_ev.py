"""EV sessions: evening arrivals, morning departures, at most the charger's power."""

from __future__ import annotations

import numpy as np

from gridtokenx.simulator.ev import SESSION_ENERGY_WH_RANGE, EvChargers
from tests.simulator.days import MONDAY_MS

HOUR_MS = 3_600_000


def test_charging_happens_between_evening_and_morning_within_power() -> None:
    chargers = EvChargers(400, 7.0, np.random.default_rng(3))
    interval_ms = 15 * 60_000
    start_ms = MONDAY_MS
    hourly_kwh = np.zeros(24)
    total_wh = np.zeros(400)
    for step in range(3 * 96):
        power_w = chargers.power_w(start_ms, start_ms + interval_ms)
        assert np.all(power_w >= 0)
        assert np.all(power_w <= chargers.charger_w + 1e-9)
        assert np.all(chargers.departure_ms > chargers.arrival_ms)
        hourly_kwh[(step // 4) % 24] += power_w.sum() * interval_ms / HOUR_MS / 1000
        total_wh += power_w * interval_ms / HOUR_MS
        start_ms += interval_ms
    assert hourly_kwh[10:15].sum() == 0
    assert hourly_kwh[18:24].sum() > 0.5 * hourly_kwh.sum()
    # Three days of at most one session a day, plus the one under way at the start.
    assert np.all(total_wh <= 4 * SESSION_ENERGY_WH_RANGE[1] + 1e-6)
    assert 0.5 < total_wh.mean() / (3 * 0.8 * sum(SESSION_ENERGY_WH_RANGE) / 2) < 1.5


def test_a_session_draws_no_more_than_it_needs() -> None:
    chargers = EvChargers(50, 7.0, np.random.default_rng(4))
    start_ms = MONDAY_MS + 20 * HOUR_MS
    chargers.power_w(start_ms - HOUR_MS, start_ms)
    needed_wh = chargers.needed_wh.copy()
    departure_ms = chargers.departure_ms.copy()
    drawn_wh = np.zeros(50)
    for _ in range(8):
        drawn_wh += chargers.power_w(start_ms, start_ms + HOUR_MS)
        start_ms += HOUR_MS
    still_plugged = departure_ms > start_ms
    assert np.all(drawn_wh[still_plugged] <= needed_wh[still_plugged] + 1e-6)
