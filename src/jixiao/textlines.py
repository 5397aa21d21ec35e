"""Walking a text line by line with each line's offset (the unit of paragraphs, headings, rows)."""

from __future__ import annotations

from collections.abc import Iterator


def lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset of the line in ``text``, line without its newline), for every line."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1
