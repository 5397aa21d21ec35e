"""The shape of the code (docs/architecture.md): imports at module level, no private name imported from
another module, small web and store modules. The layers themselves are checked by ``lint-imports``."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"
MAX_LINES = 500


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_function_level_imports():
    """An import inside a function hides a dependency (and often a cycle); only an optional dependency
    may be imported late, with a comment saying so (``# optional: …``)."""
    found = []
    for path, tree in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and "optional" not in lines[node.lineno - 1]:
                        found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, found


def test_no_private_names_imported_across_modules():
    found = [f"{path.relative_to(SRC)}:{node.lineno} {node.module}.{a.name}"
             for path, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jixiao")
             for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert not found, found


def test_web_and_store_modules_stay_small():
    big = {str(p.relative_to(SRC)): n for folder in ("web", "store") for p in (SRC / folder).rglob("*.py")
           if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big
