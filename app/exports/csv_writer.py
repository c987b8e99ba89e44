"""CSV that spreadsheets open safely: UTF-8 with a byte-order mark (so Excel reads the
accents right) and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator

BYTE_ORDER_MARK = "\ufeff"
#: A cell starting with one of these could be run as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: What a spreadsheet may skip before the formula sign: spaces (also non-breaking and
#: zero-width ones) and a byte-order mark.
SKIPPED_BEFORE_FORMULA = (
    " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u2060\u202f\u205f\u3000\ufeff"
)


def neutralise_formula(cell: str) -> str:
    """Prefix a cell a spreadsheet would treat as a formula with an apostrophe: one that
    starts with a formula sign (or tab, CR, LF), also after leading spaces of any kind,
    and also in its full-width form (＝ ＋ － ＠), which some spreadsheets read the same."""
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    rest = unicodedata.normalize("NFKC", cell.lstrip(SKIPPED_BEFORE_FORMULA))
    if rest.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_bytes(header: list[str], batches: Iterable[list[list[str]]]) -> Iterator[bytes]:
    """Yield the encoded file: BOM and header first, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def drain() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(header)
    yield drain()
    for rows in batches:
        writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
        yield drain()
