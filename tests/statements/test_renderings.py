"""CSV and PDF renderings: the CSV parses back to the same lines and summary, its rows carry
the per-line figures, and the PDF's text shows every figure and signature."""

from __future__ import annotations

import io

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridtokenx.statements import (
    Statement,
    StatementError,
    build_statement,
    parse_csv,
    render_csv,
    render_pdf,
)
from gridtokenx.statements.text import amount, parse, summary_items
from tests.statements.strategies import MONTHS, fill_lines, mint_lines, tariffs


@st.composite
def statements(draw: st.DrawFn, max_fills: int = 12) -> Statement:
    tariff = draw(tariffs())
    month = draw(MONTHS)
    start, end = month.bounds_ms(tariff.utc_offset_minutes)
    return build_statement(
        user_id=str(draw(st.uuids())),
        month=month,
        wallets=draw(st.lists(st.text("abcXYZ123", min_size=32, max_size=44), max_size=3)),
        zone_id=draw(st.none() | st.integers(0, 6)),
        fills=draw(st.lists(fill_lines(start, end), max_size=max_fills)),
        mints=draw(st.lists(mint_lines(start, end), max_size=5)),
        tariff=tariff,
        fee_bps=draw(st.integers(0, 10_000)),
    )


@given(statements())
def test_csv_round_trip(statement: Statement) -> None:
    parsed = parse_csv(render_csv(statement))
    assert parsed.fills == [f.line for f in statement.fills]
    assert parsed.unsettled == list(statement.unsettled)
    assert parsed.mints == [m.line for m in statement.mints]
    assert parsed.summary == summary_items(statement)
    for row, figures in zip(parsed.figures, statement.fills, strict=True):
        assert parse(row["amount_usdc"]) == figures.notional
        assert parse(row["fee_usdc"]) == figures.fee
        assert parse(row["net_usdc"]) == figures.net
        assert parse(row["tariff_value_usdc"]) == figures.tariff_value
        assert parse(row["savings_usdc"]) == figures.savings
        assert int(row["co2_avoided_g"]) == figures.co2_avoided_g
    summary = dict(parsed.summary)
    # The totals in the CSV are the sums of its own rows.
    assert parse(summary["paid_usdc"]) == sum(
        parse(r["amount_usdc"]) for r in parsed.figures if r["side"] == "buy"
    )
    assert parse(summary["fees_usdc"]) == sum(parse(r["fee_usdc"]) for r in parsed.figures)
    assert parse(summary["savings_total_usdc"]) == sum(
        parse(r["savings_usdc"]) for r in parsed.figures
    )


@given(st.integers(-(2**63), 2**63 - 1))
def test_amount_text_is_exact(value: int) -> None:
    assert parse(amount(value)) == value


def test_a_csv_with_another_header_is_refused() -> None:
    with pytest.raises(StatementError, match="header"):
        parse_csv("a,b\r\n1,2\r\n")


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(statements(max_fills=60))
def test_pdf_text_shows_every_figure_and_signature(statement: Statement) -> None:
    document = render_pdf(statement)
    assert document.startswith(b"%PDF-")
    assert render_pdf(statement) == document  # deterministic
    reader = pypdf.PdfReader(io.BytesIO(document))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name, value in summary_items(statement):
        assert f"{name} {value}".strip() in text
    for f in statement.fills:
        assert f"settle tx {f.line.settlement_signature}" in text
        if f.line.claim_signature:
            assert f"claim tx {f.line.claim_signature}" in text
        row = " ".join(
            [
                amount(f.line.quantity),
                amount(f.line.price_per_kwh),
                amount(f.notional),
                amount(f.fee),
                amount(f.net),
            ]
        )
        assert row in text
        assert f"{amount(f.tariff_value)} {amount(f.savings)}" in text
    for m in statement.mints:
        assert f"mint tx {m.line.signature}" in text
