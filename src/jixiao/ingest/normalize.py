"""Normalisation of extracted text, keeping an offset map back to the original.

What changes (only where it changes no meaning):
- full-width digits and Latin letters → ASCII; ``％`` → ``%``; ``．`` between digits → ``.``;
  full-width/no-break/ideographic spaces → space;
- conversion artefacts such as ``[bookmark: _GoBack]`` removed; zero-width characters removed;
- runs of horizontal whitespace folded into one space (tabs, the table cell separator, kept);
  spaces at line starts/ends dropped; more than one blank line folded into one.
Chinese punctuation (，（）：) is kept: it is the normal form of Chinese text.
"""

from __future__ import annotations

import re

_ARTEFACT = re.compile(r"\[(?:bookmark|Bookmark): [^\]\n]*\]|\u200b|\u200c|\u200d|\ufeff|\u00ad")
_FW_TABLE = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FW_TABLE.update({0xFF05: ord("%"), 0x3000: ord(" "), 0x00A0: ord(" "), 0x2002: ord(" "),
                  0x2003: ord(" "), 0x2009: ord(" "), 0x202F: ord(" "), 0x000B: ord("\n"),
                  0x000C: ord("\n"), 0x2028: ord("\n"), 0x2029: ord("\n"), 0x0D: ord("\n")})
_HSPACE = " "


def normalize(origin: str) -> tuple[str, list[int]]:
    """Return (normalised text, offsets) where ``offsets[i]`` indexes ``origin``.

    ``len(offsets) == len(text) + 1``; the last entry maps the end of the text.
    """
    # 1. drop artefacts, remembering where kept characters came from
    kept: list[str] = []
    pos: list[int] = []
    last = 0
    src = origin.replace("\r\n", "\n\u0000") if "\r\n" in origin else origin
    for m in _ARTEFACT.finditer(src):
        _keep(src, last, m.start(), kept, pos)
        last = m.end()
    _keep(src, last, len(src), kept, pos)
    if "\r\n" in origin:  # "\r\n" was turned into "\n\0": drop the NULs, offsets stay right
        pairs = [(c, p) for c, p in zip(kept, pos, strict=True) if c != "\u0000"]
        kept = [c for c, _ in pairs]
        pos = [p for _, p in pairs]
    chars = "".join(kept).translate(_FW_TABLE)
    # full-width full stop between digits is a decimal point
    chars = re.sub(r"(?<=\d)[．·](?=\d)", ".", chars)
    # 2. fold whitespace line by line
    out: list[str] = []
    out_pos: list[int] = []
    blank_run = 0
    i = 0
    n = len(chars)
    while i <= n:
        j = chars.find("\n", i)
        if j < 0:
            j = n
        line_chars: list[str] = []
        line_pos: list[int] = []
        k = i
        while k < j:
            c = chars[k]
            if c == "\t":
                while line_chars and line_chars[-1] == " ":
                    line_chars.pop()
                    line_pos.pop()
                line_chars.append("\t")
                line_pos.append(pos[k])
            elif c == " " or (c.isspace() and c != "\n"):
                if line_chars and line_chars[-1] not in (" ", "\t"):
                    line_chars.append(" ")
                    line_pos.append(pos[k])
            else:
                line_chars.append(c)
                line_pos.append(pos[k])
            k += 1
        while line_chars and line_chars[-1] == " ":
            line_chars.pop()
            line_pos.pop()
        if not line_chars or all(c == "\t" for c in line_chars) and not line_chars:
            blank_run += 1
            if blank_run == 1 and out:
                out.append("\n")
                out_pos.append(pos[j] if j < n else (pos[-1] + 1 if pos else 0))
        else:
            blank_run = 0
            out.extend(line_chars)
            out_pos.extend(line_pos)
            if j < n:
                out.append("\n")
                out_pos.append(pos[j])
        i = j + 1
    while out and out[-1] == "\n":
        out.pop()
        out_pos.pop()
    out_pos.append(len(origin) if not out_pos else _end_after(out_pos[-1], origin))
    return "".join(out), out_pos


def _keep(src: str, a: int, b: int, kept: list[str], pos: list[int]) -> None:
    kept.extend(src[a:b])
    pos.extend(range(a, b))


def _end_after(p: int, origin: str) -> int:
    return min(p + 1, len(origin))
