"""Normalisation of extracted text, keeping an offset map back to the original.

What changes (only where it changes no meaning):
- full-width digits and Latin letters → ASCII; ``％`` → ``%``; ``．`` between digits → ``.``;
  full-width/no-break/ideographic spaces → space;
- conversion artefacts such as ``[bookmark: _GoBack]`` removed; zero-width characters removed;
- runs of horizontal whitespace folded into one space (tabs, the table cell separator, kept);
  spaces at line starts/ends dropped; more than one blank line folded into one.
Chinese punctuation (，（）：) is kept: it is the normal form of Chinese text.

The text is scanned token by token (artefacts, space runs, tabs, line breaks); the literal runs in
between are copied with one C-level ``translate`` each, so the cost is linear and small.
"""

from __future__ import annotations

import re

_FW_TABLE = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FW_TABLE[0xFF05] = ord("%")
# what the whitespace and line-break tokens become (used by tests to relate characters)
_FW_TABLE.update({0x3000: ord(" "), 0x00A0: ord(" "), 0x2002: ord(" "), 0x2003: ord(" "), 0x2009: ord(" "),
                  0x202F: ord(" "), 0x000B: ord("\n"), 0x000C: ord("\n"), 0x2028: ord("\n"),
                  0x2029: ord("\n"), 0x0D: ord("\n")})
_TOKEN = re.compile(
    r"(?P<art>\[(?:bookmark|Bookmark): [^\]\n]*\]|[\u200b\u200c\u200d\ufeff\u00ad])"
    r"|(?P<nl>\r\n|[\n\r\x0b\x0c\u2028\u2029])"
    r"|(?P<tab>\t)"
    r"|(?P<sp>[^\S\n\r\t\x0b\x0c\u2028\u2029]+)"
)
_WIDE = "\x00"  # placeholder for a run of 3+ spaces until the line is known to be a table row or not
_DECIMAL_POINT = re.compile(r"(?<=\d)[．·](?=\d)")


def normalize(origin: str) -> tuple[str, list[int]]:
    """Return (normalised text, offsets) where ``offsets[i]`` indexes ``origin``.

    ``len(offsets) == len(text) + 1``; the last entry maps the end of the text.
    """
    out: list[str] = []
    out_pos: list[int] = []
    line: list[tuple[str, int]] = []  # pieces of the current line: (text, origin start), 1:1 mapped
    blank_run = 0

    has_wide = False  # any run of 3+ spaces in the text at all (most reports have none)

    def end_line(newline_at: int | None) -> None:
        nonlocal blank_run, line
        while line and line[-1][0] in (" ", _WIDE):
            line.pop()
        # a line whose text is laid out in columns by runs of spaces is a table row: the runs
        # become the cell separator (a single wide run, as in "日    期：", stays a space)
        wide = sum(1 for piece, _ in line if piece == _WIDE) if has_wide else 0
        if wide:
            cell = "\t" if wide >= 2 else " "
            line = [(cell if piece == _WIDE else piece, start) for piece, start in line]
        if not line:
            blank_run += 1
            if blank_run == 1 and out and newline_at is not None:
                out.append("\n")
                out_pos.append(newline_at)
        else:
            blank_run = 0
            for text, start in line:
                out.append(text)
                out_pos.extend(range(start, start + len(text)))
            if newline_at is not None:
                out.append("\n")
                out_pos.append(newline_at)
        line = []

    last = 0
    for m in _TOKEN.finditer(origin):
        if m.start() > last:
            line.append((origin[last:m.start()].translate(_FW_TABLE), last))
        last = m.end()
        kind = m.lastgroup
        if kind == "nl":
            end_line(m.start())
        elif kind == "tab":
            while line and line[-1][0] in (" ", _WIDE):
                line.pop()
            line.append(("\t", m.start()))
        elif kind == "sp":
            if line and line[-1][0] not in (" ", "\t", _WIDE):
                wide_run = m.end() - m.start() >= 3
                has_wide = has_wide or wide_run
                line.append((_WIDE if wide_run else " ", m.start()))
        # artefacts are dropped
    if last < len(origin):
        line.append((origin[last:].translate(_FW_TABLE), last))
    end_line(None)
    while out and out[-1] == "\n":
        out.pop()
        out_pos.pop()
    text = "".join(out)
    if "．" in text or "·" in text:
        text = _DECIMAL_POINT.sub(".", text)
    out_pos.append(min(out_pos[-1] + 1, len(origin)) if out_pos else len(origin))
    return text, out_pos
