"""Hypothesis strategies shared by the core tests, biased towards the u64 boundaries."""

from __future__ import annotations

from hypothesis import strategies as st

from gridtokenx.core import U64_MAX

_U64_EDGES = [0, 1, 2, 999, 1_000, 999_999, 10**6, 10**6 + 1, 2**32 - 1, 2**32, 2**63 - 1]
_U64_EDGES += [2**63, U64_MAX - 1_000_000, U64_MAX - 1, U64_MAX]

u64s = st.one_of(st.integers(0, U64_MAX), st.sampled_from(_U64_EDGES))
"""Any u64, with the values where rounding and overflow bugs live drawn often."""

not_u64s = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=U64_MAX + 1),
    st.sampled_from([-1, U64_MAX + 1, 2**128]),
)
"""Integers outside 0..2**64-1."""

not_ints = st.sampled_from([1.0, 1.5, float("nan"), "1", b"1", None, True, False, [1], 1j])
"""Values that are not an ``int`` an amount could be (``bool`` included on purpose)."""
