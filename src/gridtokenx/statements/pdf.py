"""A statement as a PDF document (A4 landscape, the standard Helvetica fonts, no images).

Written with pydyf (BSD-3-Clause, pure Python, no dependencies): one Flate-compressed content
stream per page, text only. It shows the same text as the CSV
(:mod:`gridtokenx.statements.text`): the summary, then every settled fill with its figures and,
on the lines under it, its ``settle`` (and, once paid out, ``claim``) transaction signatures,
the unsettled fills, the mints with their signatures, and the purchases per tariff period — so
each figure can be checked against the chain. Text is ASCII (anything else becomes ``?``: the
standard fonts are not embedded). The output is deterministic: the same statement gives the
same bytes (no creation date, no random file id).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pydyf  # type: ignore[import-untyped]

from gridtokenx.statements.compute import Statement
from gridtokenx.statements.text import amount, summary_items, time_utc

PAGE_WIDTH = 842
PAGE_HEIGHT = 595
_MARGIN = 36
_LINE = 11
_SIZE = 8

_FILL_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Time (UTC)", 0),
    ("Side", 112),
    ("Trade", 140),
    ("kWh", 200),
    ("USDC/kWh", 260),
    ("Amount USDC", 320),
    ("Fee USDC", 390),
    ("Net USDC", 450),
    ("Tariff", 520),
    ("Tariff USDC/kWh", 575),
    ("Tariff value", 645),
    ("Savings USDC", 710),
)


def _ascii(text: str) -> str:
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)


class _Writer:
    """Lays out lines of text top to bottom, starting a new page when one is full."""

    def __init__(self) -> None:
        self.pages: list[pydyf.Stream] = []
        self._y = 0
        self._new_page()

    def _new_page(self) -> None:
        self.pages.append(pydyf.Stream(compress=True))
        self._y = PAGE_HEIGHT - _MARGIN

    def line(self, cells: Sequence[tuple[str, int]], *, bold: bool = False) -> None:
        """One line: each (text, x offset from the left margin)."""
        if self._y < _MARGIN + _LINE:
            self._new_page()
        self._y -= _LINE
        stream = self.pages[-1]
        for text, x in cells:
            stream.begin_text()
            stream.set_font_size("F2" if bold else "F1", _SIZE)
            stream.set_text_matrix(1, 0, 0, 1, _MARGIN + x, self._y)
            stream.show_text_string(_ascii(text))
            stream.end_text()

    def gap(self) -> None:
        self._y -= _LINE // 2


def _fonts() -> pydyf.Dictionary:
    return pydyf.Dictionary(
        {
            name: pydyf.Dictionary(
                {
                    "Type": "/Font",
                    "Subtype": "/Type1",
                    "BaseFont": f"/{base}",
                    "Encoding": "/WinAnsiEncoding",
                }
            )
            for name, base in (("F1", "Helvetica"), ("F2", "Helvetica-Bold"))
        }
    )


def render_pdf(statement: Statement) -> bytes:
    writer = _Writer()
    writer.line([(f"GridTokenX monthly statement {statement.month}", 0)], bold=True)
    writer.gap()
    for name, value in summary_items(statement):
        writer.line([(name, 0), (value, 180)])
    writer.gap()
    writer.line([("Settled fills", 0)], bold=True)
    writer.line(list(_FILL_COLUMNS), bold=True)
    for f in statement.fills:
        writer.line(
            [
                (time_utc(f.line.timestamp_ms), 0),
                (f.line.side, 112),
                (str(f.line.trade_id), 140),
                (amount(f.line.quantity), 200),
                (amount(f.line.price_per_kwh), 260),
                (amount(f.notional), 320),
                (amount(f.fee), 390),
                (amount(f.net), 450),
                (f.tariff_period, 520),
                (amount(f.tariff_price_per_kwh), 575),
                (amount(f.tariff_value), 645),
                (amount(f.savings), 710),
            ]
        )
        writer.line([(f"settle tx {f.line.settlement_signature or ''}  order {f.line.order}", 12)])
        if f.line.claim_signature:
            writer.line([(f"claim tx {f.line.claim_signature}", 12)])
    writer.gap()
    writer.line([("Unsettled fills (not counted)", 0)], bold=True)
    for u in statement.unsettled:
        writer.line(
            [
                (time_utc(u.timestamp_ms), 0),
                (u.side, 112),
                (str(u.trade_id), 140),
                (amount(u.quantity), 200),
                (amount(u.price_per_kwh), 260),
                (u.status, 320),
            ]
        )
    writer.gap()
    writer.line([("Mints", 0)], bold=True)
    for m in statement.mints:
        writer.line(
            [
                (time_utc(m.line.timestamp_ms), 0),
                (m.line.meter_id, 112),
                (amount(m.energy), 320),
                (f"{m.co2_avoided_g} g CO2", 390),
            ]
        )
        writer.line([(f"mint tx {m.line.signature}", 12)])
    writer.gap()
    writer.line([("Purchases by tariff period", 0)], bold=True)
    for period in statement.by_period:
        writer.line(
            [
                (period.period, 0),
                (amount(period.energy_bought), 200),
                (amount(period.paid), 320),
                (amount(period.tariff_value), 645),
            ]
        )
    return _document(writer.pages)


def _document(streams: list[pydyf.Stream]) -> bytes:
    document = pydyf.PDF()
    fonts = _fonts()
    document.add_object(fonts)
    resources = pydyf.Dictionary({"Font": fonts.reference})
    for stream in streams:
        document.add_object(stream)
        page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": document.pages.reference,
                "MediaBox": pydyf.Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
                "Resources": resources,
                "Contents": stream.reference,
            }
        )
        document.add_page(page)
    output = io.BytesIO()
    document.write(output)
    return output.getvalue()
