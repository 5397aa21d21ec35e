"""Documents out (``jixiao render``, the workspace's download buttons): the 审核意见书 (memo, .docx), the
evidence report (html, one self-contained file), the 自评表 (table, .xlsx), the
report itself as a draft to correct (report, .docx). Every kind is rendered from a :class:`RenderInput` —
the pipeline's analysis, plus in the workspace the reviewers' decision and comments."""

from __future__ import annotations

from pathlib import Path

from jixiao.render.draft import render_report
from jixiao.render.evidence import render_html
from jixiao.render.inputs import RenderInput, ReviewNote
from jixiao.render.memo import render_memo
from jixiao.render.sheet import render_table

KINDS: dict[str, tuple[str, str]] = {
    "memo": ("审核意见书", ".docx"),
    "html": ("证据报告", ".html"),
    "table": ("自评表", ".xlsx"),
    "report": ("自评报告（修改稿）", ".docx"),
}
"""Each kind: its Chinese name and the file suffix it writes."""

def render(kind: str, data: RenderInput, out: Path, *, template: Path | None = None, fonts: str = "official") -> Path:
    """Write the document ``kind`` of ``data`` to ``out``; ``template``: the bureau's own (a .docx
    letterhead for the memo, a Jinja2 HTML file for the evidence report)."""
    if kind == "memo":
        return render_memo(data, out, fonts=fonts, template=template)
    if kind == "html":
        return render_html(data, out, template=template)
    if kind == "table":
        return render_table(data, out, template=template)
    if kind == "report":
        return render_report(data, out, fonts=fonts, template=template)
    raise ValueError(f"unknown document kind {kind!r}; known: {', '.join(KINDS)}")


def default_name(data: RenderInput, kind: str) -> str:
    """The file name a document is saved under: 单位+年度+文档名称 and the suffix."""
    name, suffix = KINDS[kind]
    stem = data.document_name.replace("/", "_").replace("\\", "_")
    return f"{stem}_{name}{suffix}"


__all__ = ["KINDS", "RenderInput", "ReviewNote", "default_name", "render", "render_html", "render_memo", "render_report", "render_table"]
