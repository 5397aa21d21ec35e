"""The report text as HTML with every value and finding marked: ``highlight(text, marks)``.

The report text is untrusted: every character of it is escaped, and the ``<mark>`` elements are built
here from the evidence offsets; templates never mark report data as safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from jixiao.review.registry import SEVERITIES as SEVERITY_ORDER


@dataclass(frozen=True)
class Mark:
    """One span to highlight: ``[start, end)`` of the text, the id of the thing it is evidence for
    (``f-budget``, ``m-3``, ``p-0``, ``x-2``), a tooltip label, and for findings the severity."""

    start: int
    end: int
    ref: str
    label: str = ""
    severity: str | None = None


_SEV_CLASS = {"error": "fe", "warning": "fw", "info": "fi"}


def highlight(text: str, marks: list[Mark], anchors: bool = False) -> Markup:
    """The whole text, HTML-escaped, with every mark wrapped in ``<mark>``.

    Overlapping and nested spans are handled by cutting the text at every span boundary: each piece
    covered by at least one span becomes one ``<mark>`` listing every span that covers it
    (``data-ev="f-budget x-0"``, values first), so the markup stays well-formed whatever the overlaps.
    Spans outside the text or empty are ignored. Everything, the text and the tooltip labels alike, is
    escaped: the report text is untrusted input. ``anchors``: an empty ``<a id="at-REF">`` before the first
    piece of each ref, so that a link (``#at-f-budget``) leads to the value in the text without a script."""
    anchored: set[str] = set()
    n = len(text)
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for m in marks:
        s, e = max(0, min(n, int(m.start))), max(0, min(n, int(m.end)))
        if e > s:
            starts.setdefault(s, []).append(m)
            ends.setdefault(e, []).append(m)
    if not starts:
        return Markup(escape(text))
    cuts = sorted({0, n, *starts, *ends})
    active: dict[Mark, int] = {}
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for m in ends.get(a, ()):
            if active.get(m, 0) <= 1:
                active.pop(m, None)
            else:
                active[m] -= 1
        for m in starts.get(a, ()):
            active[m] = active.get(m, 0) + 1
        piece = escape(text[a:b])
        if not active:
            out.append(piece)
            continue
        refs: list[str] = []
        labels: list[str] = []
        sev = None
        has_value = False
        for m in active:
            if m.ref not in refs:
                refs.append(m.ref)
            if m.label and m.label not in labels:
                labels.append(m.label)
            if m.severity:
                s = m.severity if m.severity in SEVERITY_ORDER else "info"
                if sev is None or SEVERITY_ORDER.index(s) < SEVERITY_ORDER.index(sev):
                    sev = s
            else:
                has_value = True
        cls = ["ev"]
        if not has_value:
            cls.append("f-only")
        if sev:
            cls.append(_SEV_CLASS[sev])
        refs.sort(key=lambda r: r.startswith("x-"))  # a click goes to the value before the finding
        if anchors:
            for r in refs:
                if r not in anchored:
                    anchored.add(r)
                    out.append(f'<a id="at-{escape(r)}"></a>')
        out.append(f'<mark class="{" ".join(cls)}" data-ev="{escape(" ".join(refs))}" '
                   f'title="{escape("；".join(labels))}">{piece}</mark>')
    return Markup("".join(out))
