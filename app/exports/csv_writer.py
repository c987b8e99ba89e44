"""CSV that spreadsheets open safely: UTF-8 with a byte-order mark (so Excel reads the
accents right) and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

BYTE_ORDER_MARK = "\ufeff"
#: A cell starting with one of these could be run as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """Prefix a cell a spreadsheet would treat as a formula with an apostrophe."""
    if cell.startswith(FORMULA_STARTS):
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
