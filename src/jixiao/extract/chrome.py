"""Page chrome and metadata of published reports: web-page metadata fields (索引号, 发布机构 …, in
every shape: ``键：值`` pairs on a line, key and value on separate lines, key glued to value, pipe rows,
``[ 发布机构 ] X``), navigation and accessibility lines, breadcrumbs and a mirror's file-name lines.

None of it is a report fact; the publisher, breadcrumb and file name may name the unit when nothing
better does, and years and dates in it are never the fiscal year or the report date. Keys and line
patterns live in ``data/identity.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from jixiao.lexicon import data_cache, load_yaml
from jixiao.textlines import lines

OPENING = 2500   # metadata blocks stand before the report, or after it
CLOSING = 1200


@dataclass(frozen=True)
class MetaField:
    """One metadata field: its role (publisher | title | other), key and value spans."""

    role: str
    key: str
    key_start: int
    value: str
    value_start: int
    value_end: int


@dataclass(frozen=True)
class Chrome:
    """What of a text is page furniture rather than the report."""

    fields: list[MetaField]
    spans: list[tuple[int, int]]          # lines (or parts of lines) that are chrome or metadata
    breadcrumbs: list[tuple[int, str]]    # (offset, segment) of breadcrumb segments
    file_names: list[tuple[int, str]]     # (offset, name without extension) of file-name lines

    def covers(self, pos: int) -> bool:
        """True when ``pos`` lies in chrome or metadata (``spans`` are in text order, not overlapping)."""
        i = bisect_right(self.spans, (pos, float("inf"))) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]


@data_cache
def _lex():
    lx = load_yaml("identity.yaml")
    roles = {k: sorted(v, key=len, reverse=True) for k, v in lx["meta"].items()}
    keys = sorted(((k, role) for role, ks in roles.items() for k in ks), key=lambda kr: -len(kr[0]))
    role_of = dict(keys)
    alt = "|".join(re.escape(k) for k, _ in keys)
    # a key at the start of a line or after a separator, then its value; "[ 发布机构 ] X", "| 发布机构 | X"
    field = re.compile(rf"(?:^|(?<=[\s|｜\[［【]))[\[［【]?\s*(?P<key>{alt})\s*[\]］】]?\s*(?P<sep>[：:|｜]?)\s*")
    # a key whose first characters were cut off in conversion (" 号:", "称:")
    cut = re.compile(r"^\s*(?P<key>[\u4e00-\u9fff]{1,3})\s*[：:]\s*")
    return (role_of, field, cut, re.compile(lx["chrome_line"]), re.compile(lx["breadcrumb_separators"]),
            re.compile(rf"^\s*(?P<name>[^\s/\\]{{2,80}}?){lx['file_extensions']}\s*$"), keys, re.compile(alt))


def find_chrome(text: str) -> Chrome:
    """Metadata fields, chrome lines, breadcrumbs and file names in the opening and closing parts."""
    role_of, field_rx, cut_rx, chrome_rx, crumb_rx, file_rx, keys, any_key = _lex()
    key_set = set(role_of)
    fields: list[MetaField] = []
    spans: list[tuple[int, int]] = []
    crumbs: list[tuple[int, str]] = []
    files: list[tuple[int, str]] = []
    limit_a, limit_b = OPENING, len(text) - CLOSING
    if limit_b <= limit_a:
        all_lines = list(lines(text))
    else:  # only the opening and the closing part are read: the lines between are the report
        head = text.rfind("\n", 0, limit_a) + 1 or limit_a
        tail = text.find("\n", limit_b) + 1 or limit_b
        all_lines = list(lines(text[:head].rstrip("\n")))
        all_lines.append((head - 1, ""))  # a break between the parts: a pending key stops here
        all_lines += [(tail + p, ln) for p, ln in lines(text[tail:])]
    pending_key: tuple[str, int] | None = None
    for li, (pos, line) in enumerate(all_lines):
        if limit_a < pos < limit_b:
            pending_key = None
            continue
        stripped = line.strip()
        if not stripped or len(stripped) > 160:
            pending_key = None
            continue  # a paragraph of the report, not page furniture
        body = stripped.strip("|｜ \t·•●-")
        if pending_key is not None:
            key, kpos = pending_key
            pending_key = None
            if body and body not in key_set and not field_rx.match(body) and len(body) <= 40:
                start = pos + line.find(body)
                fields.append(MetaField(role_of[key], key, kpos, body, start, start + len(body)))
                spans.append((pos, pos + len(line)))
                continue
        m = file_rx.match(stripped) if "." in stripped else None
        if m:
            start = pos + line.find(stripped)
            files.append((start, m.group("name")))
            spans.append((pos, pos + len(line)))
            continue
        if len(stripped) <= 100 and chrome_rx.match(stripped):
            spans.append((pos, pos + len(line)))
            if crumb_rx.search(stripped):
                crumbs.extend(_segments(pos, line, crumb_rx))
            continue
        got = _fields_on_line(pos, line, field_rx, role_of) if any_key.search(line) else []
        if got:
            fields.extend(f for f in got if f.value)
            spans.append((pos, pos + len(line)))
            if len(got) == 1 and not got[0].value:
                pending_key = (got[0].key, got[0].key_start)  # a key alone on its line: the value is on the next
            continue
        mc = cut_rx.match(line)
        if mc and _is_cut_key(mc.group("key"), keys) and li + 1 < len(all_lines):
            spans.append((pos, pos + len(line)))
    return Chrome(fields, spans, crumbs, files)


def _is_cut_key(part: str, keys: list[tuple[str, str]]) -> bool:
    """"号" of 索引号/文号, "称" of 名称, "机构" of 发布机构: a metadata key with its head lost."""
    return any(k.endswith(part) and k != part for k, _ in keys)


def _segments(pos: int, line: str, crumb_rx: re.Pattern[str]) -> list[tuple[int, str]]:
    out = []
    i = 0
    for part in crumb_rx.split(line):
        j = line.find(part, i)
        seg = part.strip()
        if seg:
            out.append((pos + line.find(seg, j), seg))
        i = j + len(part)
    return out


def _fields_on_line(pos: int, line: str, field_rx: re.Pattern[str], role_of: dict[str, str]) -> list[MetaField]:
    """The metadata fields of one line, or [] when the line is not a metadata line.

    A line is a metadata line when a key starts it (after bullets and brackets); values run to the
    next key, a pipe or a wide gap. A key glued to its value ("发布机构示例县财政局") is accepted
    only when the line is short."""
    lead = len(line) - len(line.lstrip(" \t|｜·•●-"))
    matches = []
    for m in field_rx.finditer(line):
        if not matches and m.start("key") - lead > 2:
            return []
        matches.append(m)
    if not matches:
        return []
    first = matches[0]
    if not first.group("sep") and len(line.strip()) > 60:
        return []  # "来源于…": a sentence, not a glued metadata field
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        raw = line[m.end():end]
        cut = re.search(r"\s{2,}|[|｜]", raw)
        if cut:
            raw = raw[: cut.start()]
        value = raw.strip(" \t|｜[]［］【】")
        vs = pos + m.end() + raw.find(value) if value else pos + m.end()
        out.append(MetaField(role_of[m.group("key")], m.group("key"), pos + m.start("key"), value, vs, vs + len(value)))
    return out
