"""The rule registry: each review rule is one registered unit with a stable id (the public name
used in JSON, spec/facts.md), a short code (``J101``), a default severity, a Chinese title, a Chinese
message template and a docstring that ``jixiao rules ID`` and docs/rules.md are made from.

A rule is checked when it is registered, so a mistake fails at import, not in a report:

* the id is lowercase words joined by ``-`` and the code is ``J`` and three digits, both unique
  (also among the other rules' aliases and the retired ids of ``review/retired.py``);
* the severity is ``error``, ``warning`` or ``info``; the title is Chinese;
* the docstring is a one-line summary, then "**何时触发**", "**为什么重要**" and "**示例**"
  paragraphs;
* in a source checkout, ``tests/fixtures/rules/<id>.yaml`` exists (its pass and fail cases).

An id is permanent: a renamed rule keeps its old id in ``aliases``, a removed one goes to
``review/retired.py``. ``resolve`` accepts an id, a code or an alias; ``selection`` turns
``--select`` / ``--ignore`` lists into the rules to run.
"""

from __future__ import annotations

import inspect
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.errors import JixiaoError
from jixiao.review.retired import RETIRED

if TYPE_CHECKING:  # the input module registers findings through this one: annotations only
    from jixiao.model import Finding
    from jixiao.review.input import ReviewInput

CheckFn = Callable[["ReviewInput"], Iterator["Finding"]]

SEVERITIES = ("error", "warning", "info")  # most severe first
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}  # as a reader sees them
DOC_SECTIONS = ("**何时触发**", "**为什么重要**", "**示例**")
INTERNAL_ERROR = "internal-error"  # the finding of a rule that raised (not a registered rule)
INTERNAL_ERROR_CODE = "J900"
INTERNAL_ERROR_TITLE = "规则运行出错"
# the rules' pass and fail cases; present in a source checkout, not in an installed package
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "rules"

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
_CODE = re.compile(r"^J\d{3}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class RuleError(JixiaoError):
    """A rule that cannot be registered, or a rule name that names no rule."""


@dataclass(frozen=True)
class Rule:
    """A registered rule. ``check`` yields the findings of one report (a generator function whose
    docstring documents the rule)."""

    id: str
    code: str
    severity: str
    title: str
    message: str
    check: CheckFn
    aliases: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        """The docstring of the check function, dedented."""
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.split("\n", 1)[0].strip()

    def format(self, **values: Any) -> str:
        """The message with its placeholders filled."""
        return self.message.format(**values)


RULES: dict[str, Rule] = {}
_NAMES: dict[str, str] = {}  # id, code and aliases → id


def rule(id: str, code: str, severity: str, title: str, message: str, *, aliases: Iterable[str] = (),
         fixture: Path | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated check function as rule ``id`` (see the module docstring for what is
    checked). ``fixture`` is the rule's case file when it is not ``tests/fixtures/rules/<id>.yaml``."""

    def decorate(fn: CheckFn) -> CheckFn:
        register(Rule(id=id, code=code, severity=severity, title=title, message=message, check=fn,
                      aliases=tuple(aliases)), fixture=fixture)
        return fn

    return decorate


def register(r: Rule, *, fixture: Path | None = None) -> Rule:
    """Check and add a rule; raises :class:`RuleError` naming the rule and the problem."""
    problems = _problems(r, fixture)
    if problems:
        raise RuleError(f"规则 {r.id} 无法注册（cannot register rule）：" + "；".join(problems))
    RULES[r.id] = r
    for name in (r.id, r.code, *r.aliases):
        _NAMES[name] = r.id
    return r


def unregister(rule_id: str) -> None:
    """Remove a rule (tests register and remove rules of their own)."""
    r = RULES.pop(rule_id)
    for name in (r.id, r.code, *r.aliases):
        _NAMES.pop(name, None)


def _problems(r: Rule, fixture: Path | None) -> list[str]:
    out = []
    if not _ID.match(r.id):
        out.append(f"id 应为以 - 连接的小写词（如 sum-mismatch），而不是 {r.id!r}")
    if not _CODE.match(r.code):
        out.append(f"代码应为 J 加三位数字（如 J101），而不是 {r.code!r}")
    for name in (r.id, r.code, *r.aliases):
        if name in _NAMES or name == INTERNAL_ERROR:
            out.append(f"{name} 已被规则 {_NAMES.get(name, INTERNAL_ERROR)} 使用")
        elif name in RETIRED:
            out.append(f"{name} 是已停用的规则，不能再用（见 review/retired.py）")
    if r.severity not in SEVERITIES:
        out.append(f"级别应为 {'、'.join(SEVERITIES)} 之一，而不是 {r.severity!r}")
    if not _CJK.search(r.title or ""):
        out.append("缺少中文名称（title）")
    if not _CJK.search(r.message or ""):
        out.append("缺少中文消息模板（message）")
    else:
        try:
            list(string.Formatter().parse(r.message))
        except ValueError as err:
            out.append(f"消息模板无效（{err}）")
    doc = r.doc
    if not doc or not _CJK.search(doc.split("\n", 1)[0]):
        out.append("文档（docstring）第一行应为中文摘要")
    missing = [s for s in DOC_SECTIONS if s not in doc]
    if missing:
        out.append("文档缺少 " + "、".join(missing))
    case_file = fixture if fixture is not None else (FIXTURES / f"{r.id}.yaml" if FIXTURES.is_dir() else None)
    if case_file is not None and not Path(case_file).is_file():
        out.append(f"缺少测试用例文件 {case_file}")
    return out


def resolve(name: str) -> Rule:
    """The rule named by an id, a code (``J101``, any case) or an alias; a retired id that was
    replaced resolves to its replacement. Raises :class:`RuleError` for anything else."""
    key = name.strip()
    rule_id = _NAMES.get(key) or _NAMES.get(key.upper())
    if rule_id is not None:
        return RULES[rule_id]
    if key in RETIRED:
        replaced_by, note = RETIRED[key]
        if replaced_by in RULES:
            return RULES[replaced_by]
        raise RuleError(f"规则 {key} 已停用（{note}）")
    if key == INTERNAL_ERROR:
        raise RuleError(f"{INTERNAL_ERROR} 不是可以选择的规则：它表示某条规则运行出错")
    raise RuleError(f"未知的规则：{key}（jixiao rules 列出全部规则）")


def selection(select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules to run, in registration order: those named in ``select`` (all when None) less
    those named in ``ignore``. Each name is resolved by :func:`resolve`."""
    chosen = {resolve(n).id for n in select} if select is not None else set(RULES)
    dropped = {resolve(n).id for n in ignore}
    return [r for rid, r in RULES.items() if rid in chosen and rid not in dropped]


def split_names(values: Iterable[str] | None) -> list[str] | None:
    """``["sum-mismatch,J102", "count-mismatch"]`` → the names, one each (None stays None)."""
    if values is None:
        return None
    return [n.strip() for v in values for n in str(v).split(",") if n.strip()]
