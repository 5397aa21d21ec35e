"""The whole pipeline per report on one core — load + extract + review + score, as ``jixiao batch`` runs it —
against the targets of issue 12 (≤ 2 ms a .txt, ≤ 3 ms a .docx) and against markitdown's bare conversion of
the same .docx files, measured in the same run.

    .venv/bin/python benchmarks/bench_pipeline.py [--seconds 3] [--synthetic N]

Inputs: the seed reports (../shared/corpus/seeds/*.txt, else the bundled samples) and .docx files made from
the same texts (one paragraph per line), and with ``--synthetic N`` N reports of benchmarks/synth.py. For each
format: the median time per report over repeated passes (``--seconds`` each), split into load (file →
Document) and the rest. markitdown is optional (``pip install 'markitdown[docx]'``); without it the ratio is
not printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench_extract import SAMPLES, SEEDS, pin_one_core, text_to_docx  # noqa: E402
from synth import generate  # noqa: E402

from jixiao import pipeline  # noqa: E402
from jixiao.ingest import load  # noqa: E402

TARGETS_MS = {".txt": 2.0, ".docx": 3.0}
OPTIONS = pipeline.Options(score=True)


def per_report(fn, files: list[Path], seconds: float) -> float:
    """Median over passes of the mean time per file of one pass, in ms."""
    for f in files:
        fn(f)  # warm: patterns compiled, data read
    passes = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(passes) < 3:
        started = time.perf_counter()
        for f in files:
            fn(f)
        passes.append((time.perf_counter() - started) / len(files) * 1000)
    return statistics.median(passes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--synthetic", type=int, default=0)
    args = ap.parse_args()
    print(pin_one_core())
    try:
        from markitdown import MarkItDown  # optional: the comparison needs markitdown[docx]

        md = MarkItDown()
    except ImportError:
        md = None
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        sets: dict[str, list[Path]] = {}
        txts = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else sorted(SAMPLES.glob("*.txt"))
        sets["seeds .txt"] = txts
        docxs = []
        for p in txts:
            out = tmp_path / (p.stem + ".docx")
            text_to_docx(p.read_text(encoding="utf-8"), out)
            docxs.append(out)
        sets["seeds .docx"] = docxs
        if args.synthetic:
            generate(tmp_path / "synth", args.synthetic, docx_share=0.5)
            sets["synthetic .txt"] = sorted((tmp_path / "synth").glob("*.txt"))
            sets["synthetic .docx"] = sorted((tmp_path / "synth").glob("*.docx"))
        print(f"{os.cpu_count()} cores; one used. Times in ms per report (median of passes).")
        print("| inputs | n | load | whole pipeline | target | markitdown | ratio |")
        print("|---|---|---|---|---|---|---|")
        for name, files in sets.items():
            whole = per_report(lambda f: pipeline.analyse(f, OPTIONS), files, args.seconds)
            loading = per_report(load, files, args.seconds)
            suffix = files[0].suffix
            mdt = ratio = ""
            if md is not None and suffix == ".docx":
                t = per_report(lambda f: md.convert(str(f)), files, args.seconds)
                mdt, ratio = f"{t:.1f}", f"{t / whole:.1f}×"
            print(f"| {name} | {len(files)} | {loading:.2f} | {whole:.2f} | ≤ {TARGETS_MS[suffix]:g} | {mdt} | {ratio} |",
                  flush=True)


if __name__ == "__main__":
    main()
