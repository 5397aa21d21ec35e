"""Reports packed in a .zip archive (a county's submissions sent as one file): the members that are
report files, with the names their authors gave them, read with a bound.

* Member names written by Chinese Windows without the UTF-8 flag are GBK, which :mod:`zipfile` reads as
  cp437: they are decoded again (:func:`member_name`).
* Folders, hidden entries (``.x``, ``__MACOSX``) and Office lock files (``~$x``) are left out; members of
  other types are counted as skipped.
* A member is read with a bound (:func:`read_member`): what it really inflates to is capped, so a ZIP
  bomb costs at most the bound in memory; a member past it is refused with its Chinese reason.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPORT_SUFFIXES = (".docx", ".pdf", ".txt", ".xlsx", ".doc", ".wps", ".rtf", ".odt", ".xls", ".et", ".ods", ".ofd", ".png", ".jpg", ".jpeg",
                   ".tif", ".tiff")
"""The file types a report may come in (the reader is chosen from the content; these only say which files of a
folder or an archive are reports)."""
SUFFIX_LIST = "、".join(REPORT_SUFFIXES)
_UTF8_FLAG = 0x800


class ArchiveError(Exception):
    """An archive or member that cannot be read; ``reason`` is the Chinese message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Member:
    """A report file inside an archive: the name shown to users and the name stored in the archive."""

    name: str
    stored: str


def hidden(part: str) -> bool:
    """A file or folder name users do not mean to submit (``.x``, ``~$x`` lock files, ``__MACOSX``)."""
    return part.startswith((".", "~$")) or part == "__MACOSX"


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: GBK names (no UTF-8 flag) decoded again."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG:
        return name
    try:
        return name.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def open_archive(source: str | Path | bytes) -> zipfile.ZipFile:
    """The archive opened for reading; :class:`ArchiveError` with the reason when it cannot be."""
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except PermissionError:
        raise ArchiveError("没有读取该文件的权限") from None
    except (zipfile.BadZipFile, OSError):
        raise ArchiveError("压缩包无法打开（已损坏或不是 ZIP 文件）") from None


def report_members(source: str | Path | bytes) -> tuple[list[Member], int]:
    """The report files of an archive (sorted by name) and how many other files it holds."""
    with open_archive(source) as zf:
        infos = zf.infolist()
    members, skipped = [], 0
    for info in infos:
        if info.is_dir():
            continue
        name = member_name(info)
        if any(hidden(p) for p in name.split("/")):
            continue
        if Path(name).suffix.lower() in REPORT_SUFFIXES:
            members.append(Member(name=name, stored=info.filename))
        else:
            skipped += 1
    return sorted(members, key=lambda m: m.name), skipped


def read_member(zf: zipfile.ZipFile, member: Member, max_bytes: int) -> bytes:
    """A member's bytes from the open archive, at most ``max_bytes`` of them really inflated;
    :class:`ArchiveError` otherwise."""
    try:
        with zf.open(member.stored) as f:
            data = f.read(max_bytes + 1)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, KeyError) as err:
        raise ArchiveError(f"压缩包成员无法读取（{type(err).__name__}），压缩包可能已损坏或加密") from None
    if len(data) > max_bytes:
        raise ArchiveError(f"解压后超过单个文件 {max_bytes / 2**20:.0f} MB 的上限，未分析")
    return data
