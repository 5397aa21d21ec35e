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
* An object storage URL (``s3://bucket/prefix/``, or any protocol of :mod:`fsspec` whose driver is installed — s3fs
  for S3, MinIO, and the S3 interfaces of OSS/OBS/COS) stands for the object, or every object under the prefix, as a
  folder does; credentials and endpoint come from the driver's usual settings (``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL`` …). Objects are read by the batch's parent (and handed to the
  workers, on this machine or on Ray), one at a time.

A source's bytes are read when the batch needs them (:meth:`Source.read`), never all at once.
"""

from __future__ import annotations

import glob
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

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
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_OPEN: dict[str, zipfile.ZipFile] = {}  # archives kept open while their members are read


class SourceError(ArchiveError):
    """A source that cannot be read; ``reason`` is the Chinese message for the errors file."""


@dataclass(frozen=True, eq=False)
class Remote:
    """An object in object storage: its file system (:mod:`fsspec`), key and size."""

    fs: Any
    key: str
    size: int

    def open(self):
        return self.fs.open(self.key, "rb")


@dataclass(frozen=True)
class Source:
    """One report file of a batch: a file on disk or an object in object storage (``remote``), or a member of a
    .zip archive that is either.

    ``name`` is what the outputs call it: the path or URL as given (under a folder: the folder's path joined
    with the file's), and ``archive.zip!member/path`` for a member.
    """

    name: str
    path: Path
    member: Member | None = None
    remote: Remote | None = None

    def read(self, max_bytes: int) -> bytes:
        """The file's bytes; :class:`SourceError` when it cannot be read or passes ``max_bytes``."""
        if self.remote is None:
            return self._read(max_bytes)
        try:
            return self._read(max_bytes)
        except SourceError:
            raise
        except Exception as err:  # noqa: BLE001 - the driver's own errors: the network, the service, the credentials
            raise SourceError(_driver_failure("读取对象失败", err)) from None

    def _read(self, max_bytes: int) -> bytes:
        try:
            if self.member is not None:
                return read_member(_archive_file(self.path, self.remote), self.member, max_bytes)
            size = self.remote.size if self.remote is not None else self.path.stat().st_size
            if size > max_bytes:
                raise SourceError(f"文件过大（{size / 2**20:.1f} MB），超过单个文件 {max_bytes / 2**20:.0f} MB 的上限，未分析")
            if self.remote is not None:
                return self.remote.fs.cat_file(self.remote.key)
            return self.path.read_bytes()
        except ArchiveError as err:
            raise SourceError(err.reason) from None
        except FileNotFoundError:
            raise SourceError("文件不存在（读取时已被移走或删除）") from None
        except PermissionError:
            raise SourceError("没有读取该文件的权限") from None
        except IsADirectoryError:
            raise SourceError("这是一个目录，不是文件") from None


def _archive_file(path: Path, remote: Remote | None = None) -> zipfile.ZipFile:
    token = remote.fs.unstrip_protocol(remote.key) if remote is not None else str(path)
    if token not in _OPEN:
        close_archives()  # members are read archive by archive: one kept open at a time
        _OPEN[token] = open_archive(remote.open() if remote is not None else path)
    return _OPEN[token]


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


def _archive(path: Path, shown: str, out: Expansion, remote: Remote | None) -> None:
    try:
        if remote is not None:
            with remote.open() as f:
                members, skipped = report_members(f)
        else:
            members, skipped = report_members(path)
    except ArchiveError as err:
        out.errors.append((shown, err.reason))
        return
    except Exception as err:  # noqa: BLE001 - object storage: the driver's own errors
        out.errors.append((shown, _driver_failure("读取对象失败", err)))
        return
    out.skipped += skipped
    out.sources.extend(Source(name=f"{shown}!{m.name}", path=path, member=m, remote=remote) for m in members)


def _file(path: Path, shown: str, out: Expansion, *, explicit: bool, remote: Remote | None = None) -> None:
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        _archive(path, shown, out, remote)
    elif suffix in REPORT_SUFFIXES:
        out.sources.append(Source(name=shown, path=path, remote=remote))
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


def _driver_failure(what: str, err: Exception) -> str:
    """The reason an object storage driver gave (the network, the service, the credentials), shortened."""
    return f"{what}（{type(err).__name__}：{str(err)[:200]}）"


def _storage(url: str, out: Expansion) -> None:
    """The objects at ``url``: the object it names, or every object under it (as a folder's files)."""
    try:
        import fsspec  # optional: object storage (pip install 'jixiao[cluster]': fsspec and s3fs)

        fs, root = fsspec.core.url_to_fs(url)
    except ImportError as err:
        out.errors.append((url, f"读取对象存储需要安装其驱动（{err.name or 'fsspec'}；pip install 'jixiao[cluster]'）"))
        return
    except ValueError as err:
        out.errors.append((url, f"无法识别的地址（{err}）"))
        return
    try:
        if fs.isfile(root):
            objects = {root: fs.info(root)}
        elif fs.isdir(root):
            objects = fs.find(root, detail=True)
        else:
            out.errors.append((url, "对象存储中没有该对象或前缀"))
            return
    except Exception as err:  # noqa: BLE001 - the driver's own errors: the network, the service, the credentials
        out.errors.append((url, _driver_failure("无法访问对象存储", err)))
        return
    base = root.rstrip("/")
    for key in sorted(objects):
        rel = key[len(base):].lstrip("/") if key != root else PurePosixPath(key).name
        if any(hidden(p) for p in rel.split("/")) or objects[key].get("type") != "file":
            continue
        shown = url if key == root else f"{url.rstrip('/')}/{rel}"
        remote = Remote(fs, key, int(objects[key].get("size") or 0))
        _file(Path(key), shown, out, explicit=key == root, remote=remote)


def expand(inputs: Iterable[str | Path]) -> Expansion:
    """The sources the inputs stand for, in order (each input's own sorted), each file once."""
    out = Expansion(sources=[], errors=[])
    for given in inputs:
        text = str(given)
        path = Path(text).expanduser()
        if _URL.match(text):
            _storage(text, out)
        elif path.is_dir():
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

