"""Terminal output shared by the commands: Rich consoles and UTF-8 streams (a GBK Windows console
would otherwise fail on Chinese text)."""

from __future__ import annotations

import sys

from rich.console import Console


def console(stderr: bool = False) -> Console:
    """A Rich console for stdout (or stderr) without markup highlighting or hard wrapping."""
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def utf8_streams() -> None:
    """Write UTF-8 to stdout and stderr whatever the console's code page."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass
