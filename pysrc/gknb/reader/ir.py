"""The one intermediate form every published report is reduced to.

A document is a list of rows in reading order. A row is a tuple of cell texts: a table row from
HTML, Word or a PDF table keeps its cells (each merged cell once); a line of text becomes one
row, split into cells where the text itself shows columns (tabs, pipes, wide spaces, a label
followed by numbers). A paragraph of narrative is a row with one cell. The structural parser
(`gknb.reader.parse`) reads nothing but this.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    table: bool = False  # came from a table structure (HTML/Word/PDF table)

    @staticmethod
    def of(*cells: str, table: bool = False) -> Row:
        return Row(tuple(cells), table)


Doc = list[Row]
