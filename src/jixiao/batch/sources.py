"""The inputs of a batch: files, folders (recursive), glob patterns and .zip archives, turned into
one :class:`Source` per report file, in a stable order.

* A folder is walked recursively; hidden entries (``.x``) and Office lock files (``~$x``) are left
  out, and so are files of other types (counted as skipped, not errors: a folder of submissions
  holds scans and notes too).
* A ``.zip`` archive — given, or found in a folder — stands for its report members
  (:mod:`jixiao.ingest.archive`: GBK names decoded, each read with a bound, so a ZIP bomb costs at most
  the upload size limit in memory; a member past it is an error of its own, the others go on).
* A file named explicitly whose type is not a report's is an error (“不支持的文件类型”); a path or
  pattern that names nothing is one too.

A source's bytes are read when the batch needs them (:meth:`Source.read`), never all at once.
"""

from __future__ import annotations

import glob
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jixiao.ingest.archive import (
    REPORT_SUFFIXES,
    SUFFIX_LIST,
    ArchiveError,
    Member,
    hidden,
    open_archive,
    read_member,
    report_members,
)

ARCHIVE_SUFFIXES = (".zip",)
_GLOB_CHARS = set("*?[")
_OPEN: dict[Path, zipfile.ZipFile] = {}  # archives kept open while their members are read


class SourceError(ArchiveError):
    """A source that cannot be read; ``reason`` is the Chinese message for the errors file."""


@dataclass(frozen=True)
class Source:
    """One report file of a batch: a file on disk, or a member of a .zip archive.

    ``name`` is what the outputs call it: the path as given (under a folder: the folder's path joined
    with the file's), and ``archive.zip!member/path`` for a member.
    """

    name: str
    path: Path
    member: Member | None = None

    def read(self, max_bytes: int) -> bytes:
        """The file's bytes; :class:`SourceError` when it cannot be read or passes ``max_bytes``."""
        try:
            if self.member is not None:
                return read_member(_archive_file(self.path), self.member, max_bytes)
            size = self.path.stat().st_size
            if size > max_bytes:
                raise SourceError(f"文件过大（{size / 2**20:.1f} MB），超过单个文件 {max_bytes / 2**20:.0f} MB 的上限，未分析")
            return self.path.read_bytes()
        except ArchiveError as err:
            raise SourceError(err.reason) from None
        except FileNotFoundError:
            raise SourceError("文件不存在（读取时已被移走或删除）") from None
        except PermissionError:
            raise SourceError("没有读取该文件的权限") from None
        except IsADirectoryError:
            raise SourceError("这是一个目录，不是文件") from None


def _archive_file(path: Path) -> zipfile.ZipFile:
    if path not in _OPEN:
        close_archives()  # members are read archive by archive: one kept open at a time
        _OPEN[path] = open_archive(path)
    return _OPEN[path]


def close_archives() -> None:
    """Close the archive kept open for reading its members (at the end of a run)."""
    for zf in _OPEN.values():
        zf.close()
    _OPEN.clear()


@dataclass
class Expansion:
    """What the inputs stand for: the sources, the inputs that are errors (name, reason), and how many
    files of other types were passed over."""

    sources: list[Source]
    errors: list[tuple[str, str]]
    skipped: int = 0


def _archive(path: Path, shown: str, out: Expansion) -> None:
    try:
        members, skipped = report_members(path)
    except ArchiveError as err:
        out.errors.append((shown, err.reason))
        return
    out.skipped += skipped
    out.sources.extend(Source(name=f"{shown}!{m.name}", path=path, member=m) for m in members)


def _file(path: Path, shown: str, out: Expansion, *, explicit: bool) -> None:
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        _archive(path, shown, out)
    elif suffix in REPORT_SUFFIXES:
        out.sources.append(Source(name=shown, path=path))
    elif explicit:
        out.errors.append((shown, f"不支持的文件类型（{suffix or '无扩展名'}），可处理 {SUFFIX_LIST} 及其 .zip 压缩包"))
    else:
        out.skipped += 1


def _folder(path: Path, shown: str, out: Expansion) -> None:
    for child in sorted(path.rglob("*")):
        rel = child.relative_to(path)
        if any(hidden(p) for p in rel.parts) or not child.is_file():
            continue
        _file(child, str(Path(shown) / rel), out, explicit=False)


def expand(inputs: Iterable[str | Path]) -> Expansion:
    """The sources the inputs stand for, in order (each input's own sorted), each file once."""
    out = Expansion(sources=[], errors=[])
    for given in inputs:
        text = str(given)
        path = Path(text).expanduser()
        if path.is_dir():
            _folder(path, text, out)
        elif path.is_file():
            _file(path, text, out, explicit=True)
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(str(path), recursive=True))
            if not matches:
                out.errors.append((text, "没有与该模式匹配的文件"))
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    _folder(mp, m, out)
                elif mp.is_file():
                    _file(mp, m, out, explicit=False)
        else:
            out.errors.append((text, "文件或目录不存在"))
    seen: set[str] = set()
    unique = []
    for s in out.sources:
        if s.name not in seen:
            seen.add(s.name)
            unique.append(s)
    out.sources = unique
    return out

