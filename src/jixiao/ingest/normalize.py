"""Normalisation of extracted text, keeping an offset map back to the original.

What changes (only where it changes no meaning):
- full-width digits and Latin letters → ASCII; ``％`` → ``%``; ``．`` between digits → ``.``;
  full-width/no-break/ideographic spaces → space;
- conversion artefacts such as ``[bookmark: _GoBack]`` removed; zero-width characters removed; a page footer
  run into the middle of a line of text ("缴费支— 13 —出") removed;
- runs of horizontal whitespace folded into one space (tabs, the table cell separator, kept);
  spaces at line starts/ends dropped; more than one blank line folded into one;
- tables written as text brought to one form, a row per line and cells separated by tabs: rows
  of ``| a | b |`` (:func:`pipe_rows`), and one cell per line (:func:`cell_lines`);
- hard line breaks inside paragraphs (text taken from a PDF, every line filled to the same measure, or set
  ragged with each paragraph's first line indented; a page footer inside a paragraph with them) removed, see
  :func:`rejoin_hard_wraps`.
Chinese punctuation (，（）：) is kept: it is the normal form of Chinese text.

The text is scanned token by token (artefacts, space runs, tabs, line breaks); the literal runs in
between are copied with one C-level ``translate`` each, so the cost is linear and small.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

_FW_TABLE = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FW_TABLE[0xFF05] = ord("%")
# what the whitespace and line-break tokens become (used by tests to relate characters)
_FW_TABLE.update({0x3000: ord(" "), 0x00A0: ord(" "), 0x2002: ord(" "), 0x2003: ord(" "), 0x2009: ord(" "),
                  0x202F: ord(" "), 0x000B: ord("\n"), 0x000C: ord("\n"), 0x2028: ord("\n"),
                  0x2029: ord("\n"), 0x0D: ord("\n")})
_TOKEN = re.compile(
    r"(?P<art>\[(?:bookmark|Bookmark)[:：] ?[^\]\n]*\]|[\u200b\u200c\u200d\ufeff\u00ad]"
    # a page footer the text layer ran into the middle of a line ("缴费支— 13 —出", "均按标准- 21 -安排")
    r"|(?<=[\u4e00-\u9fff])[ \t]*[—－-][ \t]*\d{1,3}[ \t]*[—－-][ \t]*(?=[\u4e00-\u9fff]))"
    r"|(?P<nl>\r\n|[\n\r\x0b\x0c\u2028\u2029])"
    r"|(?P<tab>\t)"
    r"|(?P<sp>[^\S\n\r\t\x0b\x0c\u2028\u2029]+)"
)
# the characters of literal runs that change (full-width digits, letters, ％): found by one C-level scan,
# where translating every run cost a dictionary look-up per character
_FW_CHARS = re.compile("[\uff05\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
# a page footer on a line of its own: - 5 -, — 5 —, 第 5 页 共 22 页, 5/22, a form feed
FOOTER = re.compile(r"^\s*(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\f)\s*$")
_WIDE = "\x00"  # placeholder for a run of 3+ spaces until the line is known to be a table row or not
_DECIMAL_POINT = re.compile(r"(?<=\d)[．·](?=\d)")


def normalize(origin: str) -> tuple[str, list[int]]:
    """Return (normalised text, offsets) where ``offsets[i]`` indexes ``origin``.

    ``len(offsets) == len(text) + 1``; the last entry maps the end of the text.
    """
    source = origin  # as written: the width of a line on the page counts full-width characters as two
    if _FW_CHARS.search(origin):  # 1:1, so every offset stays
        origin = _FW_CHARS.sub(lambda m: m.group().translate(_FW_TABLE), origin)
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
            line.append((origin[last:m.start()], last))
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
        line.append((origin[last:], last))
    end_line(None)
    while out and out[-1] == "\n":
        out.pop()
        out_pos.pop()
    text = "".join(out)
    out_pos.append(min(out_pos[-1] + 1, len(origin)) if out_pos else len(origin))
    text, out_pos = pipe_rows(text, out_pos)
    text = space_rows(text)
    text = cell_lines(text)
    text, out_pos = rejoin_hard_wraps(text, out_pos, source)
    text, out_pos = prose_repair(text, out_pos)
    if "万兀" in text:
        text = text.replace("万兀", "万元")  # an OCR look-alike that cannot be anything else
    if "．" in text or "·" in text:  # after the rejoin: a figure may have been broken at its point
        text = _DECIMAL_POINT.sub(".", text)
    return text, out_pos


_PIPES = "|｜"
_PIPE_SPLIT = re.compile(r"[ \t]*[|｜][ \t]*")


def pipe_rows(text: str, pos: list[int]) -> tuple[str, list[int]]:
    """A table row written ``| 项目 | 年初预算 | 执行率 |`` (a line starting with a pipe and holding
    two cells or more) becomes ``项目\t年初预算\t执行率``: each separator a tab (mapped to its pipe),
    the outer pipes and the spaces around cells dropped; empty cells stay (``|a||b|`` → a, "", b).

    Rows written without outer pipes (``项目名称 | 某项目``, ``年度资金总额 | | 0 | 40.00``) are a table
    too when they come as a block: two lines or more in a row holding pipes, one of them three cells
    or more, with a figure somewhere (a menu of links has none). In such a block a line that starts
    or ends with a pipe has an empty first or last cell (a merged cell of the original); where most
    of a block's lines are written with outer pipes, the lines without them are not rows."""
    if "|" not in text and "｜" not in text:
        return text, pos
    lines = text.split("\n")
    outer = [_outer_piped(line) for line in lines]
    inner = [not o and _pipe_count(line) >= 1 for line, o in zip(lines, outer, strict=True)]
    style: list[bool | str | None] = [True if o else None for o in outer]  # True: outer pipes; False: none
    i = 0
    while i < len(lines):
        if not (inner[i] or outer[i]):
            i += 1
            continue
        j = i
        while j < len(lines) and (inner[j] or outer[j]):
            j += 1
        block = range(i, j)
        if j - i >= 4 and all(_TRAILING_PIPE.fullmatch(lines[k]) for k in block) \
                and any(ch.isdigit() for k in block for ch in lines[k]):
            for k in block:  # one cell per line, each closed by a pipe ("项目 |", "286.37 |")
                style[k] = "trail"
            i = j
            continue
        if any(inner[k] for k in block) and j - i >= 2 and any(_pipe_count(lines[k]) >= 2 for k in block) \
                and any(ch.isdigit() for k in block for ch in lines[k]):
            piped = sum(outer[k] for k in block) * 2 > j - i
            if not piped:  # in a table of outer pipes, a line without them is not a row ("联系我们 | 网站地图")
                for k in block:
                    style[k] = False
        i = j
    out: list[str] = []
    out_pos: list[int] = []
    at = 0
    changed = False
    for line, st in zip(lines, style, strict=True):
        if st == "trail":
            cell = _TRAILING_PIPE.fullmatch(line).group(1)  # type: ignore[union-attr]
            changed = True
            out.append(cell + "\n")
            out_pos.extend(pos[at:at + len(cell)])
            out_pos.append(pos[at + len(line)])
            at += len(line) + 1
            continue
        if st is not None:
            seps = list(_PIPE_SPLIT.finditer(line))
            changed = True
            bounds = [0, *[m.start() for m in seps], len(line)] if not st else None
            if st:
                last = len(seps) if seps[-1].end() < len(line) else len(seps) - 1  # a cell after the last pipe
                cells = [(seps[k].end(), seps[k + 1].start() if k + 1 < len(seps) else len(line)) for k in range(last)]
                gaps = seps[1:last]
            else:
                cells = [(0 if k == 0 else seps[k - 1].end(), bounds[k + 1]) for k in range(len(seps) + 1)]
                cells = [(a, max(a, b)) for a, b in cells]
                gaps = seps
            for k, (a, b) in enumerate(cells):
                if k:
                    g = gaps[k - 1]
                    out.append("\t")
                    out_pos.append(pos[at + g.start() + g.group(0).find("|" if "|" in g.group(0) else "｜")])
                seg = line[a:b]
                lead = len(seg) - len(seg.lstrip(" "))
                seg = seg.strip(" ")
                out.append(seg)
                out_pos.extend(pos[at + a + lead:at + a + lead + len(seg)])
            out.append("\n")
            out_pos.append(pos[at + len(line)])
            at += len(line) + 1
            continue
        out.append(line + "\n")
        out_pos.extend(pos[at:at + len(line) + 1])
        at += len(line) + 1
    if not changed:
        return text, pos
    out[-1] = out[-1][:-1]  # no newline after the last line
    out_pos[-1:] = [pos[-1]]
    return "".join(out), out_pos


_TRAILING_PIPE = re.compile(r"([^|｜]*?)[ \t]*[|｜][ \t]*")


_FIGURE_CELL = re.compile(r"^[≥≤<>=＞＜]?-?\d[\d,]*(?:\.\d+)?(?:%|‰|[\u4e00-\u9fff/]{1,4})?$")


def space_rows(text: str) -> str:
    """A table written with one space between cells ("指标名称 年度目标 实际完成 完成率" over rows like
    "高血压患者规范管理率 ≥65% 68.4% 105.2%"): a header of short words and two rows or more with as many
    cells, their cells after the first mostly figures. Its spaces become tabs (offsets do not move)."""
    if " " not in text:
        return text
    lines = text.split("\n")
    out = list(lines)
    i = 0
    while i < len(lines):
        head = lines[i].split(" ")
        n = len(head)
        if n < 3 or not all(0 < len(c) <= 10 and not _FIGURE_CELL.match(c) and not any(p in c for p in "，。；：:")
                            for c in head):
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            cells = lines[j].split(" ")
            if len(cells) != n or not all(cells) or any(p in c for c in cells for p in "，。；"):
                break
            if sum(bool(_FIGURE_CELL.match(c)) for c in cells[1:]) * 2 < n - 1:
                break
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                out[k] = lines[k].replace(" ", "\t")
            i = j
        else:
            i += 1
    return "\n".join(out)


def _pipe_count(line: str) -> int:
    return line.count("|") + line.count("｜")


def _outer_piped(line: str) -> bool:
    """``| a | b |``: a line starting with a pipe and holding two cells or more."""
    stripped = line.strip(" ")
    if len(stripped) <= 2 or stripped[0] not in _PIPES:
        return False
    if _pipe_count(stripped) < 3 - (stripped[-1] not in _PIPES):
        return False
    seps = list(_PIPE_SPLIT.finditer(line))
    last = len(seps) if seps[-1].end() < len(line) else len(seps) - 1
    return last >= 2


_NUMBER_CELL = re.compile(r"[≥≤<>=]?\s*[-+]?[\d,]*\d(?:\.\d+)?\s*%?|[-—–/]")
_TWO_NUMBER_LINES = re.compile(r"\n[-\d.,%]+\n(?:[^\n]{1,30}\n)?[-\d.,%]+\n")


def _label_cell(line: str, limit: int) -> bool:
    return (0 < len(line) <= limit and "\t" not in line and not _NUMBER_CELL.fullmatch(line)
            and not any(c in line for c in "。；;"))


def cell_lines(text: str) -> str:
    """A table flattened to one cell per line (a header of short labels, then rows of a label and
    figures) gets its rows back: the line breaks between the cells of a row become tabs.

    The header has as many cells as every row (a label and k-1 figures); at least two rows must
    follow that shape. Only line breaks change, so the offsets stay as they are."""
    if not _TWO_NUMBER_LINES.search(text):
        return text
    lines = text.split("\n")
    starts = []
    at = 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    numeric = [bool(_NUMBER_CELL.fullmatch(line)) for line in lines]
    tabs: list[int] = []
    i = 0
    n = len(lines)
    while i < n:
        if not _label_cell(lines[i], 12):
            i += 1
            continue
        r = i
        while r < n and _label_cell(lines[r], 30):
            r += 1
        # lines[i:r] are labels: a header (lines[s:r-1]) and the first row's label (lines[r-1])
        best = None
        for s in range(i, r - 2):
            k = r - 1 - s
            rows, j = [s], r - 1
            while True:
                if j + k <= n and _label_cell(lines[j], 30) and all(numeric[j + 1:j + k]):
                    rows, j = [*rows, j], j + k
                elif (len(rows) > 1 and j + 1 + k <= n and _label_cell(lines[j], 30) and _label_cell(lines[j + 1], 30)
                      and all(numeric[j + 2:j + 1 + k])):
                    j += 1  # a group label over the rows that follow (按收入性质分), a row of its own
                else:
                    break
            if len(rows) >= 3 and all(_label_cell(h, 12) for h in lines[s:r - 1]):
                best = (rows, k, j)
                break
        if best is None:
            i = r if r > i else i + 1
            continue
        rows, k, j = best
        for row_start in rows:
            tabs.extend(starts[c] - 1 for c in range(row_start + 1, row_start + k))
        i = j
    if not tabs:
        return text
    chars = list(text)
    for t in tabs:
        chars[t] = "\t"
    return "".join(chars)


# a line that starts a new paragraph, list item or heading, never the rest of a wrapped line
_PARAGRAPH_START = re.compile(
    r"(?:第[一二三四五六七八九十百\d]+(?:部分|章|节|条)|[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}\s*[）)]"
    r"|\d{1,2}\s*(?:、|[.．](?!\d))|\d{1,2}[)）]|[①-⑳•●■◆▪\-－*#|]|附[件表])")
_SENTENCE_END = frozenset("。！？；!?;")
_LEADING_RUN = re.compile(r"[0-9A-Za-z.,%]*")  # a run the layout does not break (a figure, a word)
_LATIN = re.compile(r"[A-Za-z]")  # a break between two Latin words was a space; digits are one figure
_NARROWED = re.compile(r"[０-９Ａ-Ｚａ-ｚ％]")  # full-width forms the normalisation makes ASCII
_NUMBER_TOKEN = re.compile(r"(?:^|(?<=\s))-?\d[\d,]*(?:\.\d+)?(?=\s|$)")
_CLAUSE_MARK = re.compile(r"[，。；：]")


def figure_row(line: str) -> bool:
    """A table row as a text layer gives it: two figures or more set apart by spaces, no sentence punctuation."""
    return not _CLAUSE_MARK.search(line) and len(_NUMBER_TOKEN.findall(line)) >= 2


_OPEN_END = "。；！？：:!?;）)」』”"  # a line ending so may end its paragraph
MIN_MEASURE = 40  # display columns: a measure narrower than 20 Chinese characters is not a page's


def _width(line: str) -> int:
    """Display width in columns: 2 for a Chinese character or full-width form, 1 for ASCII (from
    the UTF-8 length, 3 bytes against 1, without a Python loop over characters)."""
    return (len(line.encode("utf-8", "surrogatepass")) + len(line)) // 2


def _measure(widths: list[int]) -> int | None:
    """The width every full line of a hard-wrapped text has, or None when the text is not one.

    Most long lines of such a text end within a couple of columns of one measure (justified lines;
    a half-width digit leaves a column free) and almost none is longer. A text set ragged-right (a tool
    that breaks lines without justifying them) ends its lines up to four characters short: looked for in
    a wider window when no tight measure is found."""
    long = sorted(w for w in widths if w >= MIN_MEASURE)
    if len(long) < 6:
        return None
    for window in (4, 8):
        best, best_count = 0, 0
        lo = 0
        for hi, w in enumerate(long):
            while long[lo] < w - window:
                lo += 1
            if hi - lo + 1 >= best_count:
                best, best_count = w, hi - lo + 1
        longer = len(long) - bisect_right(long, best + 4)
        if best_count >= max(6, 0.4 * len(long)) and longer <= 0.05 * len(long):
            return best
    return None


def rejoin_hard_wraps(text: str, pos: list[int], origin: str) -> tuple[str, list[int]]:
    """Remove the line breaks a PDF-to-text conversion put inside paragraphs.

    A text is hard-wrapped when most of its long lines fill the same measure (:func:`_measure`;
    widths count the indentation the line had in ``origin``). A full line (within a column of the
    measure, or full once the figure or word that starts the next line is counted) is joined to
    the next unless that one is indented or starts a heading, list item or bullet. After a
    sentence end (。；) the next line is joined only when it is itself full or ends a sentence —
    otherwise it is a new paragraph (a label such as "履职完成情况："). Chinese is joined without a
    space, two Latin letters with one (the break becomes the space; a figure is never broken at one).

    A line that runs on to the next page (past its footer: - 5 -, 第 5 页 共 22 页) is joined the same way, the
    footer dropped. A ragged text with no measure is rejoined by its paragraphs' indentation instead
    (:func:`_indented_paragraph_breaks`).

    Texts with paragraphs longer than any page's line (nearly every report not taken from a PDF)
    are recognised from their line lengths alone and returned unchanged.
    """
    lines = text.split("\n")
    lengths = [len(line) for line in lines]
    if len(lines) < 8 or sum(1 for line, n in zip(lines, lengths, strict=True)
                             if n > 120 and not _LEADERS.search(line)) > len(lines) // 50:
        return text, pos  # (a contents line drawn out by its leader dots is no paragraph)
    indents = []
    at = 0
    for line in lines:
        if line:
            o = pos[at]
            indents.append(_width(origin[origin.rfind("\n", 0, o) + 1:o]))
        else:
            indents.append(0)
        at += len(line) + 1
    # the left margin: the indentation of most long lines (the continuations of paragraphs)
    margin = Counter(ind for ind, n in zip(indents, lengths, strict=True) if n >= MIN_MEASURE // 2).most_common(1)
    margin = margin[0][0] if margin else 0
    # a table row (cells separated by tabs, or figures set apart by spaces with no sentence punctuation) and a contents
    # line drawn out by its leader dots have no measure and are never joined
    widths = [-1 if "\t" in line or figure_row(line) or _LEADERS.search(line) else _width(line) + max(0, ind - margin)
              for line, ind in zip(lines, indents, strict=True)]
    if _NARROWED.search(origin):  # full-width digits were 2 columns wide on the page
        at = 0
        for i, line in enumerate(lines):
            if line and widths[i] > 0:
                widths[i] += len(_NARROWED.findall(origin, pos[at], pos[at + len(line) - 1] + 1))
            at += len(line) + 1
    measure = _measure(widths)
    if measure is None:
        return _drop_breaks(text, pos, _indented_paragraph_breaks(lines, widths, indents), [])
    # a full line: within a column of the measure, or full once the figure or word that starts
    # the next line (and did not fit) is counted
    # (a line a few columns short whose sentence goes on — no 。；：at its end — is full too: ragged-right text)
    full = [w >= measure - 4 or (i + 1 < len(lines) and w > 0 and w + _LEADING_RUN.match(lines[i + 1]).end() > measure)
            or (w >= measure - 8 and lines[i][-1] not in _OPEN_END)
            for i, w in enumerate(widths)]
    drop: list[int] = []  # offsets of the line breaks removed
    space: list[int] = []  # offsets of line breaks that become a space
    at = 0
    for i in range(len(lines) - 1):
        a, b = lines[i], lines[i + 1]
        at += lengths[i]  # the newline after line i
        if (not full[i] or widths[i + 1] <= 0 or not a or indents[i + 1] > margin or _PARAGRAPH_START.match(b)
                or a[-1] in _SENTENCE_END and not (full[i + 1] or b[-1] in _SENTENCE_END)):
            at += 1
            continue
        (space if _LATIN.match(a[-1]) and _LATIN.match(b[0]) else drop).append(at)
        at += 1
    drop += _across_footers(lines, lambda i, k: full[i] and bool(lines[i]) and lines[i][-1] not in _SENTENCE_END
                            and widths[k] > 0 and indents[k] <= margin and not _PARAGRAPH_START.match(lines[k]))
    # a line broken short inside a paragraph whose start is indented (ragged text that also has a measure: the
    # page's tables and contents give one) goes on as in a text without a measure
    drop = sorted((set(drop) | set(_indented_paragraph_breaks(lines, widths, indents))) - set(space))
    return _drop_breaks(text, pos, drop, space)


def _line_starts(lines: list[str]) -> list[int]:
    out = [0]
    for line in lines:
        out.append(out[-1] + len(line) + 1)
    return out


def _after_footer(lines: list[str], i: int) -> int | None:
    """The line after a page footer (- 5 -, 第 5 页 共 22 页) that follows line ``i`` (blank lines around it
    allowed): where a paragraph broken by the page goes on; None when no footer follows."""
    j = i + 1
    while j < len(lines) and not lines[j]:
        j += 1
    if not lines[i] or j >= len(lines) or not FOOTER.match(lines[j]):
        return None
    k = j + 1
    while k < len(lines) and not lines[k]:
        k += 1
    return k if k < len(lines) and not FOOTER.match(lines[k]) else None


def _across_footers(lines: list[str], goes_on) -> list[int]:
    """The offsets of what stands between a line and its continuation on the next page (the line break, the page
    footer and blank lines around it), where ``goes_on(i, k)`` says line k continues line i."""
    out: list[int] = []
    starts = _line_starts(lines)
    for i in range(len(lines) - 2):
        k = _after_footer(lines, i)
        if k is not None and goes_on(i, k):
            out.extend(range(starts[i] + len(lines[i]), starts[k]))
    return out


def _indented_paragraph_breaks(lines: list[str], widths: list[int], indents: list[int]) -> list[int]:
    """The line breaks inside the paragraphs of a ragged text (no measure) that indents each paragraph's first
    line: a line at the margin that follows a line of the paragraph (its indented start, or a line joined to
    it) that does not end a sentence or clause (。；：）…) goes on with that paragraph, unless it starts a
    heading, list item or bullet. The margin is the indentation most lines of prose have (continuations stand
    there; the smaller if two tie); a paragraph starts at the indentation most indented prose lines have (a
    title centred above a table stands elsewhere) and is prose or has prose under it (a numbered heading with no
    clause of its own, or a title over a table's header, set at that indent, starts none). Needs three paragraph
    starts followed by a continuation. Also used on a text that has a measure (its tables and contents give one)
    whose paragraphs are set ragged."""
    prose = [w > 0 and bool(_PROSE.search(line)) for line, w in zip(lines, widths, strict=True)]
    seen = Counter(ind for ind, p in zip(indents, prose, strict=True) if p)
    if not seen:
        return []
    margin = min(seen.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    indented = [(ind, n) for ind, n in seen.items() if ind >= margin + 2]
    if not indented:
        return []
    lead = min(indented, key=lambda kv: (-kv[1], kv[0]))[0]
    # (an item of a numbered list at the margin, written as prose — "2.社会保障和就业支出（类）…。年初预算为…" — is a
    # paragraph's start too; a heading, with no clause in it, is not)
    # (a numbered heading with no clause of its own, or a title over lines that are no prose, starts nothing)
    starts = {i for i, (w, ind) in enumerate(zip(widths, indents, strict=True))
              if w > 0 and (abs(ind - lead) <= 1 and _CJK_RUN.search(lines[i])
                            and (prose[i] or i + 1 < len(lines) and prose[i + 1])
                            and (_own_clause(lines[i]) or not _PARAGRAPH_START.match(lines[i]))
                            or ind <= margin + 1 and prose[i] and _own_clause(lines[i]))}
    if sum(1 for i in starts if i + 1 < len(lines) and widths[i + 1] > 0 and indents[i + 1] <= margin + 1) < 3:
        return []
    joins: list[int] = []
    at = _line_starts(lines)
    in_paragraph = [i in starts for i in range(len(lines))]

    def goes_on(i: int, k: int) -> bool:
        a, b = lines[i], lines[k]
        return (in_paragraph[i] and bool(a) and a[-1] not in _OPEN_END and widths[k] > 0 and bool(b)
                and indents[k] <= margin + 1 and not _PARAGRAPH_START.match(b) and not FOOTER.match(b))
    for i in range(len(lines) - 1):
        k = i + 1 if goes_on(i, i + 1) else _after_footer(lines, i)  # (on the next page, past its footer)
        if k is not None and goes_on(i, k):
            joins.extend(range(at[i] + len(lines[i]), at[k]))
            in_paragraph[k] = True
    return joins


def _own_clause(line: str) -> bool:
    """A numbered item written as prose (“2.社会保障和就业支出（类）…，…”), not a numbered heading (“二、收入决算情况说明”:
    its only clause mark is its number's)."""
    m = _PARAGRAPH_START.match(line)
    return bool(m) and bool(_PROSE.search(line, m.end()))


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4}")
_LEADERS = re.compile(r"[.…·．]{6,}")
_PROSE = re.compile(r"[\u4e00-\u9fff].*[，、；。]")


def _drop_breaks(text: str, pos: list[int], drop: list[int], space: list[int]) -> tuple[str, list[int]]:
    """``text`` (and its offsets) with the line breaks at ``drop`` removed and those at ``space`` made spaces."""
    if not drop and not space:
        return text, pos
    chars = list(text)
    for k in space:
        chars[k] = " "
    gone = set(drop)
    out = "".join(c for k, c in enumerate(chars) if k not in gone)
    return out, [p for k, p in enumerate(pos) if k not in gone]


_CJK = "\u4e00-\u9fff"
_PROSE_LINE = re.compile(r"[，。；]|[" + _CJK + r"][,;]|[" + _CJK + r"]\.(?:$|[^\d])", re.M)
_REPAIR = re.compile(
    r"(?=[ ,;:.])"  # a cheap first test: most positions hold neither a space nor a half-width mark
    r"(?:(?P<sp>(?<=[" + _CJK + r"]) (?=[" + _CJK + r"\d])|(?<=\d) (?=[" + _CJK + r"]))"
    r"|(?P<pu>(?<=[" + _CJK + r"”）)]) ?[,;:.] ?(?!\d)|(?<![\d.]) ?[,;:] ?(?=[" + _CJK + r"“（(])))")
_WIDE_PUNCT = {",": "，", ";": "；", ":": "：", ".": "。"}


_GAP = re.compile(r"(?<=[" + _CJK + r"）)%\d]) (?=[" + _CJK + r"（(\d≥≤])")


def _laid_out(text: str, a: int, b: int) -> bool:
    """A line whose cells are separated by single spaces: many gaps, about one every 30 characters."""
    gaps = len(_GAP.findall(text, a, b))
    return gaps >= 8 and gaps * 30 >= b - a


def prose_repair(text: str, pos: list[int]) -> tuple[str, list[int]]:
    """Conversion damage in running text (a line with sentence punctuation): a space between two
    Chinese characters or between a figure and a character is dropped ("内设 6 个", "2023 年度"), and
    half-width , ; : . next to Chinese text become the full-width marks the rest of the code reads
    ("机构5个:办公室…中心." → "机构5个：办公室…中心。"). Tables (tabs), figures (3.5, 1,200) and lines
    laid out with single spaces between cells (no sentence punctuation) are left alone.

    Only the lines holding a candidate are looked at, so a clean text costs one regex scan."""
    prose: dict[int, bool] = {}  # line start → the line is running text
    edits: list[re.Match[str]] = []
    for m in _REPAIR.finditer(text):
        a = text.rfind("\n", 0, m.start()) + 1
        ok = prose.get(a)
        if ok is None:
            b = text.find("\n", m.start())
            b = len(text) if b < 0 else b
            ok = bool(_PROSE_LINE.search(text, a, b)) and "\t" not in text[a:b] and not _laid_out(text, a, b)
            prose[a] = ok
        if ok:
            edits.append(m)
    if not edits:
        return text, pos
    out: list[str] = []
    out_pos: list[int] = []
    i = 0
    for m in edits:
        out.append(text[i:m.start()])
        out_pos.extend(pos[i:m.start()])
        if m.lastgroup == "pu":
            mark = next(c for c in m.group() if c != " ")
            out.append(_WIDE_PUNCT[mark])
            out_pos.append(pos[m.start() + m.group().index(mark)])
        i = m.end()
    out.append(text[i:])
    out_pos.extend(pos[i:])
    return "".join(out), out_pos
