"""JSON writing that keeps Decimals exact (written as JSON numbers, not floats or strings)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def decimal_text(d: Decimal) -> str:
    """Plain positional notation of a Decimal: no exponent, no trailing zeros after the point."""
    if d == d.to_integral_value():
        return str(int(d))
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def dumps(obj: Any, indent: int | None = None) -> str:
    """Serialise like ``json.dumps(ensure_ascii=False)`` but write Decimal values exactly."""
    return "".join(_encode(obj, indent, 0))


def _encode(obj: Any, indent: int | None, depth: int):
    if isinstance(obj, Decimal):
        yield decimal_text(obj)
    elif isinstance(obj, dict):
        if not obj:
            yield "{}"
            return
        yield "{"
        for i, (k, v) in enumerate(obj.items()):
            if i:
                yield ","
            yield _newline(indent, depth + 1)
            yield json.dumps(str(k), ensure_ascii=False)
            yield ": " if indent is not None else ":"
            yield from _encode(v, indent, depth + 1)
        yield _newline(indent, depth) + "}"
    elif isinstance(obj, (list, tuple)):
        if not obj:
            yield "[]"
            return
        yield "["
        for i, v in enumerate(obj):
            if i:
                yield ","
            yield _newline(indent, depth + 1)
            yield from _encode(v, indent, depth + 1)
        yield _newline(indent, depth) + "]"
    else:
        yield json.dumps(obj, ensure_ascii=False)


def _newline(indent: int | None, depth: int) -> str:
    return "" if indent is None else "\n" + " " * (indent * depth)
