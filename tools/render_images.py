"""Render the documents of the bundled sample report (and the summary of all samples) and keep a page of each as a PNG under
docs/images/ (shown in the README): ``.venv/bin/python tools/render_images.py``. Needs LibreOffice and
pdftoppm (``sh tests/system_setup.sh render``)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from jixiao import pipeline
from jixiao.render import RenderInput, ReviewNote, render
from jixiao.render.pdf import to_pdf, to_png
from jixiao.render.summary import render_summary, rows_of

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
IMAGES = ROOT / "docs" / "images"


def main() -> None:
    analysis = pipeline.analyse(SAMPLE, pipeline.Options(score=True))
    data = RenderInput.of(analysis, review=ReviewNote(decision="returned", comments=["请重点核对项目支出与调解成功率。"]),
                          issuer="示例市示范区财政局", day=date(2026, 12, 1))
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("memo", "report"):
            doc = render(kind, data, Path(tmp) / f"{kind}.docx", fonts="installed")
            pdf = to_pdf(doc, Path(tmp))
            (page,) = to_png(pdf, Path(tmp) / kind, dpi=72, last=1)
            target = IMAGES / f"{kind}.png"
            target.write_bytes(page.read_bytes())
            print(target)
        files = [p for p in sorted((ROOT / "samples").iterdir()) if p.suffix in (".txt", ".docx", ".xlsx", ".pdf")]
        rows = rows_of([RenderInput.of(pipeline.analyse(p, pipeline.Options(score=True)), source_name=p.name)
                        for p in files])
        doc = render_summary(rows, Path(tmp) / "summary.docx", scope="示例", issuer="示例市财政局",
                             day=date(2026, 12, 1), fonts="installed")
        pdf = to_pdf(doc, Path(tmp))
        (page,) = to_png(pdf, Path(tmp) / "summary", dpi=72, first=2, last=2)
        (IMAGES / "summary.png").write_bytes(page.read_bytes())
        print(IMAGES / "summary.png")


if __name__ == "__main__":
    main()
