"""A rendered .docx as PDF (and pages as PNG) with LibreOffice headless (:func:`jixiao.ingest.convert.run_soffice`:
its own temporary profile, a time limit), for a look at the result and for a bureau that publishes PDF. The official 公文 fonts are
rarely installed on a server: a fontconfig file maps each official name of ``data/render.yaml`` to the first
of its role's fonts that is installed, so the PDF has the layout the official fonts would give."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from jixiao.errors import JixiaoError
from jixiao.ingest.convert import INSTALL_HINT, run_soffice, soffice, timeout_setting
from jixiao.lexicon import load_yaml
from jixiao.render.wordml import installed_families


class ConverterMissing(JixiaoError):
    """LibreOffice (or pdftoppm) is not installed."""


def font_aliases() -> str:
    """A fontconfig file: each official font name → the first installed font of its role."""
    have = installed_families()
    rules = []
    for names in load_yaml("render.yaml")["fonts"].values():
        present = [n for n in names[1:] if n in have]
        if names[0] in have or not present:
            continue
        rules.append(f"  <alias binding=\"same\"><family>{escape(names[0])}</family>"
                     f"<prefer><family>{escape(present[0])}</family></prefer></alias>")
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n"
            "  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n" + "\n".join(rules) + "\n</fontconfig>\n")


def to_pdf(source: Path, out_dir: Path, timeout: float | None = None) -> Path:
    """Convert ``source`` (.docx/.xlsx) to PDF in ``out_dir``; :class:`ConverterMissing` without LibreOffice,
    :class:`JixiaoError` (Chinese) when the conversion fails or takes longer than ``timeout`` seconds."""
    if soffice() is None:
        raise ConverterMissing(f"未安装 LibreOffice，无法转换为 PDF（{INSTALL_HINT} fonts-noto-cjk）")
    timeout = timeout or timeout_setting()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-fonts-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(font_aliases(), encoding="utf-8")
        try:
            done = run_soffice(source, "pdf", out_dir, timeout=timeout, env={"FONTCONFIG_FILE": str(conf)})
        except subprocess.TimeoutExpired:
            raise JixiaoError(f"{source}：转换为 PDF 超时（{timeout:.0f} 秒）") from None
    pdf = out_dir / (source.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file():
        raise JixiaoError(f"{source}：转换为 PDF 失败（{(done.stderr or done.stdout).strip()[:200]}）")
    return pdf


def to_png(pdf: Path, out_prefix: Path, dpi: int = 60, first: int = 1, last: int = 1) -> list[Path]:
    """Pages ``first``…``last`` of ``pdf`` as PNG (pdftoppm): ``out_prefix-N.png``."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise ConverterMissing("未安装 pdftoppm，无法生成页面图片（Debian：apt install poppler-utils）")
    subprocess.run([program, "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf), str(out_prefix)],
                   check=True, capture_output=True, timeout=timeout_setting())
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))
