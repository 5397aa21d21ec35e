"""Scans made by the tests: a report's text drawn on A4 page images with a CJK font (lines wrapped at the page width,
tab-separated cells at columns), with light blur, noise and a small rotation, as a scanner gives them."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ofd_support import wrapped

FONTS = ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]


def font_path() -> str | None:
    return next((f for f in FONTS if Path(f).is_file()), None)


def page_images(text: str, dpi: int = 200, *, lines_per_page: int = 36, rotation: float = 0.4,
                noise: float = 0.02, seed: int = 1) -> list[Image.Image]:
    """The pages of ``text`` as grey images at ``dpi``."""
    px = dpi / 25.4
    font = ImageFont.truetype(font_path(), int(3.7 * px))
    lines: list[str] = []
    for ln in text.split("\n"):
        lines.extend([ln] if "\t" in ln else wrapped(ln, 38))
    rng = random.Random(seed)
    pages = []
    for i in range(0, max(len(lines), 1), lines_per_page):
        img = Image.new("L", (int(210 * px), int(297 * px)), 255)
        draw = ImageDraw.Draw(img)
        for j, line in enumerate(lines[i:i + lines_per_page]):
            y = (25 + j * 7) * px
            for k, cell in enumerate(line.split("\t")):
                draw.text(((25 + k * 30) * px if "\t" in line else 25 * px, y), cell, font=font, fill=0)
        for _ in range(int(img.width * img.height * noise / 100)):
            draw.point((rng.randrange(img.width), rng.randrange(img.height)), fill=rng.choice((0, 120)))
        pages.append(img.rotate(rotation, fillcolor=255, resample=Image.BICUBIC).filter(ImageFilter.GaussianBlur(0.5)))
    return pages


def scanned_pdf(text: str, path: Path, dpi: int = 200, **kw) -> Path:
    """``text`` as a PDF of page images only (no text layer)."""
    pages = page_images(text, dpi, **kw)
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=dpi)
    return path
