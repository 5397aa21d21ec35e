"""OFD files (GB/T 33190) made by the tests: a report's text laid out on A4 pages — each line a row of text
objects, a line of tab-separated cells one text object per cell at its column, ``lines_per_page`` lines a page —
as a ZIP of the XML parts a reader must follow (OFD.xml → Document.xml → each page's Content.xml)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
SIZE = 3.5  # mm, a 10.5 pt character
LINE = 6.0  # mm between lines


def _text_object(oid: int, x: float, y: float, text: str) -> str:
    advances = [SIZE / 2 if ord(c) < 0x2E80 else SIZE for c in text]
    width = sum(advances)
    delta = " ".join(f"{a:g}" for a in advances[:-1])
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x:.2f} {y:.2f} {width:.2f} {SIZE * 1.4:.2f}" Font="1" '
            f'Size="{SIZE}"><ofd:TextCode X="0" Y="{SIZE}"' + (f' DeltaX="{delta}"' if delta else "")
            + f">{escape(text)}</ofd:TextCode></ofd:TextObject>")


def wrapped(line: str, width: float) -> list[str]:
    """``line`` cut into lines of ``width`` character widths (a Chinese character one, a digit or letter half)."""
    out, current, used = [], "", 0.0
    for c in line:
        w = 0.5 if ord(c) < 0x2E80 else 1.0
        if used + w > width:
            out.append(current)
            current, used = "", 0.0
        current += c
        used += w
    return [*out, current]


def make_ofd(path: Path, text: str, lines_per_page: int = 40, column_mm: float = 32.0, wrap: int = 40) -> Path:
    """Write ``text`` as an OFD file at ``path``; a line of prose longer than ``wrap`` characters goes on on
    the next line, as on a page."""
    lines = []
    for ln in text.split("\n"):
        lines.extend([ln] if "\t" in ln else wrapped(ln, wrap))
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    oid = 10
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" '
                    'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>jixiao-test</ofd:DocID></ofd:DocInfo>'
                    '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        refs = "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
        zf.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}">'
                    '<ofd:CommonData><ofd:MaxUnitID>100000</ofd:MaxUnitID><ofd:PageArea>'
                    '<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                    '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
                    f'<ofd:Pages>{refs}</ofd:Pages></ofd:Document>')
        zf.writestr("Doc_0/PublicRes.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" '
                    'BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
        for n, page in enumerate(pages):
            objects = []
            for i, line in enumerate(page):
                y = 25 + i * LINE
                cells = line.split("\t") if "\t" in line else [line]
                for j, cell in enumerate(cells):
                    if cell.strip():
                        oid += 1
                        objects.append(_text_object(oid, 25 + j * column_mm, y, cell.strip()))
            zf.writestr(f"Doc_0/Pages/Page_{n}/Content.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                        f'<ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
    return path
