"""OCR: pages per second on one core, and how many facts the scanned versions of the seeds and samples give
against their text versions, at 150 and 300 dpi (light noise, a 0.4° rotation, a slight blur).

    .venv/bin/python benchmarks/bench_ocr.py [--dpi 150 300] [--limit N]

Needs the ocr extra (rapidocr_onnxruntime) and a CJK font (fonts-noto-cjk) to draw the pages.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extract import SAMPLES, SEEDS, pin_one_core  # noqa: E402

from jixiao import pipeline  # noqa: E402
from ocr_support import scanned_pdf  # noqa: E402

OPTIONS = pipeline.Options(review=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    ap.add_argument("--limit", type=int, default=0, help="at most N texts")
    args = ap.parse_args()
    print(pin_one_core())
    texts = (sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []) + sorted(SAMPLES.glob("*.txt"))
    if args.limit:
        texts = texts[:args.limit]
    print("| dpi | documents | pages | s/page | facts kept | of text facts |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in args.dpi:
            pages = kept = total = 0
            seconds = 0.0
            for n, src in enumerate(texts):
                text = src.read_text(encoding="utf-8")
                pdf = scanned_pdf(text, Path(tmp) / f"{dpi}_{n}.pdf", dpi)
                expected = {k: str(f.value) for k, f in pipeline.analyse(src, OPTIONS).report.facts.items()}
                started = time.perf_counter()
                analysis = pipeline.analyse(pdf, OPTIONS)
                seconds += time.perf_counter() - started
                got = {k: str(f.value) for k, f in analysis.report.facts.items()}
                pages += analysis.document.pages or 0
                kept += sum(got.get(k) == v for k, v in expected.items())
                total += len(expected)
            print(f"| {dpi} | {len(texts)} | {pages} | {seconds / max(pages, 1):.2f} | {kept}/{total} "
                  f"| {kept / max(total, 1):.1%} |", flush=True)


if __name__ == "__main__":
    main()
