"""Rule ids that are no longer in use. An id is never given to another rule: a config or a command
that names a retired id is told what became of it.

``RETIRED[old_id] = (replacement id or "", note)``. A rule that was only renamed keeps its old id in
its ``aliases`` instead (``@rule(..., aliases=("old-id",))``), and both names keep working.
"""

from __future__ import annotations

RETIRED: dict[str, tuple[str, str]] = {}
