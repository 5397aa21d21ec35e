"""YAML read as a node tree that remembers, for every value, the file and line it came from.

A data file and its overlay (the file of the same name in the user's data folder) are composed
separately and merged as trees (:func:`merge`), so that after validation an error can name the
file and line of the offending key (:func:`problems`), whichever of the two files it came from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jixiao.errors import DataError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same nodes, faster
REPLACE = "replace"  # top-level key of an overlay file: replace the shipped file instead of merging


def compose(text: str, where: str) -> Node | None:
    """The node tree of one YAML document; every node gets ``origin`` = ``where``."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise DataError(where, [(mark.line + 1 if mark else None,
                                 f"YAML 格式错误（YAML syntax error: {err.problem}）")]) from None
    except yaml.YAMLError as err:
        raise DataError(where, [(None, f"YAML 格式错误（YAML syntax error: {err}）")]) from None
    finally:
        loader.dispose()
    if node is not None:
        _stamp(node, where)
    return node


def _stamp(node: Node, where: str) -> None:
    node.origin = where
    if isinstance(node, MappingNode):
        for k, v in node.value:
            _stamp(k, where)
            _stamp(v, where)
    elif isinstance(node, SequenceNode):
        for v in node.value:
            _stamp(v, where)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


class _DecimalConstructor(yaml.constructor.SafeConstructor):
    """Floats read as exact Decimals (0.1 stays 0.1), for scoring frameworks."""


def _decimal(loader: yaml.constructor.SafeConstructor, node: ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", _decimal)


def construct(node: Node | None, *, decimals: bool = False) -> Any:
    """Python data of a (possibly merged) node tree."""
    if node is None:
        return None
    return (_DecimalConstructor() if decimals else _Constructor()).construct_document(node)


def key_of(node: Node) -> str | None:
    """The plain key of a YAML mapping key node."""
    return node.value if isinstance(node, ScalarNode) else None


def replace_flag(node: Node | None) -> tuple[bool, Node | None]:
    """``(True, rest)`` when an overlay mapping says ``replace: true``; ``rest`` is the mapping
    without that key (or its ``items`` list, for files whose content is a list)."""
    if not isinstance(node, MappingNode):
        return False, node
    flag = next((v for k, v in node.value if key_of(k) == REPLACE), None)
    if flag is None:
        return False, node
    rest = [(k, v) for k, v in node.value if key_of(k) != REPLACE]
    items = next((v for k, v in rest if key_of(k) == "items"), None)
    if len(rest) == 1 and isinstance(items, SequenceNode):
        rest_node: Node = items
    else:
        rest_node = MappingNode(node.tag, rest, node.start_mark, node.end_mark)
        rest_node.origin = node.origin
    return construct(flag) is True, rest_node


def merge(base: Node | None, over: Node | None) -> Node | None:
    """The overlay ``over`` laid on ``base``: mappings merged key by key (recursively), lists
    extended (the overlay's items after the shipped ones), anything else replaced."""
    if base is None:
        return over
    if over is None:
        return base
    if isinstance(base, MappingNode) and isinstance(over, MappingNode):
        pairs = list(base.value)
        index = {key_of(k): i for i, (k, _) in enumerate(pairs)}
        for k, v in over.value:
            i = index.get(key_of(k))
            if i is None:
                index[key_of(k)] = len(pairs)
                pairs.append((k, v))
            else:
                merged = merge(pairs[i][1], v)
                # a replaced value is the overlay's: its key's line is the one to name in errors
                pairs[i] = (k if merged is v else pairs[i][0], merged)
        out: Node = MappingNode(base.tag, pairs, base.start_mark, base.end_mark)
    elif isinstance(base, SequenceNode) and isinstance(over, SequenceNode):
        out = SequenceNode(base.tag, base.value + over.value, base.start_mark, base.end_mark)
    else:
        return over
    out.origin = base.origin
    return out


# ── errors ───────────────────────────────────────────────────────────────────────────────

_CN = {
    "extra_forbidden": "不允许的键（拼写错误？可用的键见 docs/data.md）",
    "missing": "缺少必填项",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为键值表",
    "model_type": "应为键值表",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "literal_error": "取值不在允许范围内",
    "too_short": "不能为空",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "decimal_parsing": "应为数字",
}


def locate(root: Node | None, loc: tuple) -> tuple[Node | None, list]:
    """The node an error location points at — the key of a mapping entry (so the line is that of
    the key), an item of a list, or the deepest existing parent when the key is missing — and the
    parts of ``loc`` that name real keys and items (not the type tags of a union)."""
    node, at, path = root, root, []
    for part in loc:
        if isinstance(node, MappingNode):
            hit = next(((k, v) for k, v in node.value if key_of(k) == str(part)), None)
            if hit is None:
                if isinstance(part, str) and "[" not in part:
                    path.append(part)  # a missing key
                continue
            at, node = hit
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            at = node = node.value[part]
        else:
            continue
        path.append(part)
    return at, path


def problems(err: ValidationError, root: Node | None, where: str) -> DataError:
    """A pydantic error as a :class:`DataError` naming the file and line of each problem."""
    return located([(tuple(e["loc"]), e["type"], e["msg"]) for e in err.errors()], root, where)


def located(errors: list[tuple[tuple, str, str]], root: Node | None, where: str) -> DataError:
    """``(loc, type, message)`` problems as a :class:`DataError`; ``type`` "value_error" marks our
    own (Chinese + English) messages, other types are pydantic's and get a Chinese explanation."""
    found: list[tuple[str, int | None, str]] = []
    seen = set()
    for loc, kind, msg in errors:
        node, parts = locate(root, loc)
        file = getattr(node, "origin", where) if node is not None else where
        line = node.start_mark.line + 1 if node is not None else None
        path = ".".join(str(p) for p in parts) or "（顶层）"
        english = msg.removeprefix("Value error, ")
        message = english if kind == "value_error" else f"{_CN.get(kind, '取值无效')}（{english}）"
        if (file, line, path) in seen:
            continue  # "str | list[str]": one problem, reported once
        seen.add((file, line, path))
        found.append((file, line, f"{path}：{message}"))
    # one DataError per file; the first file with a problem is the one named
    first = found[0][0] if found else where
    return DataError(first, [(line, msg) for file, line, msg in found if file == first]
                     + [(line, f"{file}：{msg}") for file, line, msg in found if file != first])
