"""The knowledge kept as data: loading, validation, the user's overlay folder, and caching.

Every file under ``jixiao/data`` (see docs/data.md) is read through :func:`load_yaml`, which

1. lays the file of the same name in the user's data folder over it, if there is one
   (``jixiao … --data DIR`` or the environment variable ``JIXIAO_DATA``): mappings are merged key
   by key, lists are extended, other values replaced; an overlay file with ``replace: true`` at
   its top replaces the shipped file instead. Files that only exist in the overlay (a new KPI pack
   under ``kpi/``, a new framework under ``frameworks/``) are added;
2. expands ``{@name}`` in any text to the word list ``name`` of ``vocabulary.yaml``;
3. validates the result with the file's pydantic model (:mod:`jixiao.lexicon.schema`); an error
   is a :class:`~jixiao.errors.DataError` naming the file and the line of the offending key.

Everything is cached per data folder (:func:`data_cache`): switching the folder (``use_data``, or a
changed ``JIXIAO_DATA``) gives fresh data, and the compiled patterns of the extraction code with it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jixiao.errors import DataError
from jixiao.lexicon import marked, schema

__all__ = ["DataError", "data_cache", "data_dir", "data_files", "data_text", "load_model", "load_yaml", "pinned",
           "use_data", "validate_all", "validate_text", "vocab", "vocab_pattern", "words"]

ENV = "JIXIAO_DATA"
_explicit: str | None = None  # set by use_data(); None: the environment decides
_seen_key: str | None = None  # the data in effect at the last look ("" = the shipped data alone)
_pinned: str | None = None  # the data in effect for the analysis under way (see pinned())
_CACHES: list[Callable[[], None]] = []
F = TypeVar("F", bound=Callable[..., Any])


# ── the data folder ──────────────────────────────────────────────────────────────────────


def use_data(folder: str | Path | None) -> None:
    """Use ``folder`` as the user's data folder from now on (None: back to ``JIXIAO_DATA``). The
    files are read again at the next use, even when the folder is the same."""
    global _explicit, _seen_key
    if folder is not None:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise DataError(str(folder), [(None, "目录不存在（no such folder）")],
                            title="用户数据目录无效（invalid data folder）")
        folder = str(path.resolve())
    _explicit = folder
    _drop_caches()
    _seen_key = None


def data_dir() -> Path | None:
    """The user's data folder in effect, or None."""
    key = _key()
    return Path(key) if key else None


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Look up the data in effect once for the block (one analysis): the data cannot change in the
    middle of it, and the block's hundreds of cache lookups then skip reading the environment."""
    global _pinned
    outer = _pinned
    _pinned = _key()
    try:
        yield
    finally:
        _pinned = outer


def _key() -> str:
    """Which data is in effect (the overlay folder, or "" for the shipped data alone). When it
    changed since the last call, every cache of the domain modules is dropped."""
    global _seen_key
    if _pinned is not None:
        return _pinned
    key = _explicit if _explicit is not None else os.environ.get(ENV, "")
    if key != _seen_key:
        if _seen_key is not None:
            _drop_caches()
        _seen_key = key
    return key


def _drop_caches() -> None:
    """Forget everything read from the data: the :func:`data_cache` caches, and any ``functools``
    cache of the extraction, review and scoring modules (some compile their patterns from the data
    under a plain ``lru_cache``; clearing a cache that did not depend on it costs one recomputation)."""
    for clear in _CACHES:
        clear()
    for name, module in list(sys.modules.items()):
        if not name.startswith(("jixiao.extract.", "jixiao.review.", "jixiao.score.")):
            continue
        for obj in list(vars(module).values()):
            if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", None) == name:
                obj.cache_clear()


def data_cache(fn: F) -> F:
    """Cache ``fn`` per data folder (like ``functools.cache``; arguments must be hashable)."""
    memo: dict = {}

    @functools.wraps(fn)
    def cached(*args):
        key = (_key(), args)
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = fn(*args)
            return value

    cached.cache_clear = memo.clear  # type: ignore[attr-defined]
    _CACHES.append(memo.clear)
    return cached  # type: ignore[return-value]


# ── files ────────────────────────────────────────────────────────────────────────────────


def _shipped(name: str):
    return resources.files("jixiao").joinpath("data", *name.split("/"))


def _overlay(name: str) -> Path | None:
    folder = data_dir()
    if folder is None:
        return None
    path = folder.joinpath(*name.split("/"))
    return path if path.is_file() else None


def data_text(name: str) -> str:
    """A data file that is not YAML (a template: ``templates/evidence.html``) as text: the user's file of
    that name if there is one, else the shipped one."""
    user = _overlay(name)
    if user is not None:
        return user.read_text(encoding="utf-8")
    shipped = _shipped(name)
    if not shipped.is_file():
        raise DataError(f"jixiao/data/{name}", [(None, "数据文件不存在（no such data file）")])
    return shipped.read_text(encoding="utf-8")


def data_files(folder: str, suffix: str = ".yaml") -> list[str]:
    """Names (``folder/file``) of the files of a data sub-folder, shipped and overlay, sorted."""
    names = {e.name for e in _shipped(folder).iterdir() if e.name.endswith(suffix)}
    user = data_dir()
    if user is not None and (user / folder).is_dir():
        names |= {p.name for p in (user / folder).iterdir() if p.name.endswith(suffix) and p.is_file()}
    return [f"{folder}/{n}" for n in sorted(names)]


def _read_nodes(name: str, *, merge: bool = True) -> Node | None:
    """The node tree of a data file with its overlay laid over it (or replacing it)."""
    shipped = _shipped(name)
    base = marked.compose(shipped.read_text(encoding="utf-8"), f"jixiao/data/{name}") if shipped.is_file() else None
    user = _overlay(name)
    if user is None:
        if base is None:
            raise DataError(f"jixiao/data/{name}", [(None, "数据文件不存在（no such data file）")])
        return base
    over = marked.compose(user.read_text(encoding="utf-8"), str(user))
    replace, over = marked.replace_flag(over)
    if replace or not merge or base is None:
        return over
    if isinstance(base, SequenceNode) and isinstance(over, MappingNode):
        raise DataError(str(user), [(over.start_mark.line + 1, "此文件的内容是列表：覆盖时写列表（追加），或写 "
                                     "replace: true 与 items（this file is a list: give a list, or replace + items）")])
    return marked.merge(base, over)


@data_cache
def _nodes(name: str, merge: bool) -> Node | None:
    node = _read_nodes(name, merge=merge)
    if name != "vocabulary.yaml":
        _expand(node)
    return node


_REF = re.compile(r"\{@(\w+)\}")


def _expand(node: Node | None) -> None:
    """Replace ``{@name}`` in every text of the tree by the vocabulary list ``name``."""
    if isinstance(node, ScalarNode):
        if "{@" in node.value:
            node.value = _REF.sub(lambda m: _ref(m.group(1), node), node.value)
    elif isinstance(node, MappingNode):
        for _, v in node.value:
            _expand(v)
    elif isinstance(node, SequenceNode):
        for v in node.value:
            _expand(v)


def _ref(name: str, node: Node) -> str:
    vocabulary = load_yaml("vocabulary.yaml")
    if name not in vocabulary:
        raise DataError(getattr(node, "origin", "?"), [(node.start_mark.line + 1,
                        f"{{@{name}}}：vocabulary.yaml 中没有这个词表（no such word list; "
                        f"known: {', '.join(sorted(vocabulary))}）")])
    return vocab_pattern(name)


def _validate(model: type[BaseModel], node: Node | None, name: str, *, decimals: bool = False) -> BaseModel:
    data = marked.construct(node, decimals=decimals)
    where = getattr(node, "origin", f"jixiao/data/{name}")
    try:
        value = model.model_validate(data)
    except ValidationError as err:
        raise marked.problems(err, node, where) from None
    cross = list(value.cross_check()) if isinstance(value, schema.Checked) else []
    if cross:
        raise marked.located([(loc, "value_error", msg) for loc, msg in cross], node, where)
    return value


@data_cache
def load_yaml(name: str) -> Any:
    """The validated content of the data file ``name`` (e.g. ``"units.yaml"``, ``"kpi/司法行政.yaml"``)
    with the overlay applied, as plain data. Cached per data folder: treat it as read-only."""
    try:
        model = schema.model_for(name)
    except KeyError:
        raise DataError(name, [(None, "未知的数据文件（unknown data file; see docs/data.md）")]) from None
    node = _nodes(name, True)
    if model is None:
        return marked.construct(node)
    return _validate(model, node, name).model_dump(exclude_none=True)


@data_cache
def load_model(name: str, model: type[BaseModel], decimals: bool = False) -> BaseModel:
    """A data file validated by ``model`` (used for scoring frameworks); an overlay file of the
    same name replaces the shipped one (a framework is one whole indicator tree)."""
    return _validate(model, _nodes(name, False), name, decimals=decimals)


def validate_text(model: type[BaseModel], text: str, where: str, *, decimals: bool = False,
                  empty_ok: bool = False) -> BaseModel:
    """Validate YAML text (not a data file: a user's file, a test's text) with ``model``; errors
    name ``where`` and the line. ``empty_ok``: an empty text is an empty mapping."""
    node = marked.compose(text, where)
    if node is None and empty_ok:
        return model.model_validate({})
    return _validate(model, node, where, decimals=decimals)


def validate_all() -> None:
    """Load every data file that has its model here (shipped and overlay), so that an error shows at
    once; raises :class:`~jixiao.errors.DataError` for the first invalid file. (Scoring frameworks
    are checked by :func:`jixiao.score.framework.load_framework`.)"""
    user = data_dir()
    if user is not None and not user.is_dir():
        raise DataError(str(user), [(None, f"目录不存在（no such folder; from {ENV}?）")],
                        title="用户数据目录无效（invalid data folder）")
    if user is not None:
        for path in sorted(p for p in user.rglob("*") if p.suffix in (".yaml", ".yml", ".csv")):
            rel = path.relative_to(user).as_posix()
            try:
                schema.model_for(rel)
            except KeyError:
                raise DataError(str(path), [(None, "未知的数据文件或暂不支持覆盖：文件名须与 docs/data.md 所列一致，"
                                             "扩展名 .yaml（unknown data file, or one that cannot be "
                                             "overridden yet）")]) from None
    for name in schema.FILES:
        load_yaml(name)
    for name in data_files("kpi"):
        load_yaml(name)


# ── vocabulary ───────────────────────────────────────────────────────────────────────────


def words(name: str) -> list[str]:
    """The word list ``name`` of vocabulary.yaml (regular-expression fragments, in order)."""
    return load_yaml("vocabulary.yaml")[name]


@data_cache
def vocab_pattern(name: str) -> str:
    """The list ``name`` as one non-capturing alternation, to embed in a larger pattern."""
    return "(?:" + "|".join(words(name)) + ")"


@data_cache
def vocab(name: str) -> re.Pattern[str]:
    """The list ``name`` compiled (searches for any of its words)."""
    return re.compile("|".join(words(name)))
