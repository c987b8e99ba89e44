"""Text cells of the take-out archives: guarded against formulas by the visits CSV's rule,
and read back to exactly what was written."""

from __future__ import annotations

import pytest

from app.takeout.cells import escape_text, unescape_text

FORMULAS = ["=1+1", "+44", "-2", "@SUM(A1)", "\tTab", "\rCR", "\nLF"]
FORMULAS += [" =1+1", "\u00a0=HYPERLINK(1)", "\u3000@x", "＝1+1", " ＋44", "﹣2"]
PLAIN = ["", "Calm start", "a=b", "ＡＢＣ", "2026-11-23", " leading space", "Ünïcödé ☕"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_is_guarded_by_an_apostrophe(text):
    assert escape_text(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_left_as_it_is(text):
    assert escape_text(text) == text


@pytest.mark.parametrize("text", [*FORMULAS, *PLAIN, "'quoted", "''twice", "'=1"])
def test_every_cell_reads_back_as_written(text):
    assert unescape_text(escape_text(text)) == text
