"""Files of old and other office formats through LibreOffice headless: .doc/.wps/.rtf/.odt become .docx and
.xls/.et/.ods become .xlsx, then go to the readers of those. Each conversion runs with its own temporary
LibreOffice profile (a shared one is not safe when two run at once), in a temporary folder, with a time limit
(``JIXIAO_CONVERT_TIMEOUT`` seconds, default 120); LibreOffice is found on the PATH (``soffice``). Without it the
file is refused with a Chinese reason naming the package to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jixiao.errors import IngestError

DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = "Debian/Ubuntu：apt install libreoffice-writer-nogui libreoffice-calc-nogui"


def soffice() -> str | None:
    """The LibreOffice program, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout_setting() -> float:
    try:
        value = float(os.environ.get("JIXIAO_CONVERT_TIMEOUT", ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def run_soffice(source: Path, target_format: str, out_dir: Path, *, timeout: float | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``soffice --convert-to target_format`` of ``source`` into ``out_dir``, with a fresh profile; raises
    FileNotFoundError without LibreOffice and subprocess.TimeoutExpired past ``timeout``."""
    program = soffice()
    if program is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        cmd = [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", target_format, "--outdir", str(out_dir), str(source)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout or timeout_setting(),
                              env={**os.environ, "HOME": profile, **(env or {})}, check=False)


@contextmanager
def converted(path: Path, source: str, suffix: str, target: str, label: str) -> Iterator[Path]:
    """The file converted to ``target`` (docx, xlsx) in a temporary folder, for the block; ``suffix`` is the
    extension LibreOffice is given the input under (.doc, .xls …), ``label`` names the format for the user."""
    if soffice() is None:
        raise IngestError(source, f"读取{label}需要 LibreOffice，本机未安装（{INSTALL_HINT}），"
                                  f"或请另存为 .{target} 后再提供")
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        work = Path(tmp)
        original = work / f"input{suffix}"
        shutil.copyfile(path, original)
        try:
            done = run_soffice(original, target, work / "out")
        except subprocess.TimeoutExpired:
            raise IngestError(source, f"{label}转换超时（超过 {timeout_setting():g} 秒），文件可能异常") from None
        result = work / "out" / f"input.{target}"
        if done.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = (done.stderr or done.stdout or "").strip()[:160]
            raise IngestError(source, f"{label}无法转换，文件可能已损坏" + (f"（{detail}）" if detail else ""))
        yield result
