"""The rule registry: each review rule is one registered unit with a stable id (the public name
used in JSON, spec/facts.md), a short code, a default severity, a Chinese message template and
a docstring that docs/rules.md is generated from.

Docstrings follow one shape: a one-line summary, then "**何时触发**", "**为什么重要**" and
"**示例**" paragraphs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.model import Finding
    from jixiao.review.input import ReviewInput

CheckFn = Callable[["ReviewInput"], Iterator["Finding"]]


@dataclass(frozen=True)
class Rule:
    id: str
    code: str
    severity: str
    title: str
    message: str
    check: CheckFn

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    def format(self, **values: Any) -> str:
        return self.message.format(**values)


RULES: dict[str, Rule] = {}


def rule(id: str, code: str, severity: str, title: str, message: str) -> Callable[[CheckFn], CheckFn]:
    """Register a rule check function under a stable id."""

    def register(fn: CheckFn) -> CheckFn:
        if id in RULES:
            raise ValueError(f"规则 {id} 重复注册")
        RULES[id] = Rule(id=id, code=code, severity=severity, title=title, message=message, check=fn)
        return fn

    return register
