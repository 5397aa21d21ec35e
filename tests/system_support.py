"""Debian packages some tests need (chromium; LibreOffice and pdftoppm), installed on demand with
``tests/system_setup.sh`` when this is root on Debian; otherwise the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "system_setup.sh"
PACKAGES = {"browser": "chromium fonts-noto-cjk",
            "render": "libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk",
            "ocr": "tesseract-ocr tesseract-ocr-chi-sim"}


def install_or_skip(kind: str, present: Callable[[], bool]) -> None:
    """Run ``system_setup.sh kind`` (root and apt-get needed); skip the test when ``present()`` is still false."""
    reason = None
    if os.name != "posix" or os.geteuid() != 0:
        reason = f"需要 root 权限运行 sh tests/system_setup.sh {kind}（apt-get install {PACKAGES[kind]}）"
    elif shutil.which("apt-get") is None:
        reason = f"没有 apt-get，无法安装 {PACKAGES[kind]}"
    else:
        r = subprocess.run(["sh", str(SCRIPT), kind], capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            reason = f"安装 {PACKAGES[kind]} 失败：{(r.stderr or r.stdout).strip()[-500:]}"
    if not present():
        pytest.skip(reason or f"{PACKAGES[kind]} 不存在且无法安装")


def require_libreoffice() -> None:
    """LibreOffice and pdftoppm, installed on demand (``system_setup.sh render``), else skip."""
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        install_or_skip("render", lambda: shutil.which("soffice") is not None and shutil.which("pdftoppm") is not None)
