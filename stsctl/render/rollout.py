"""Texts of the `rollout` verbs that are more than one result line: `rollout history` (kubectl's
header line, `REVISION  CHANGE-CAUSE` table or one revision's pod template) and the pod template
`rollout undo --dry-run=client` would restore. Byte for byte what kubectl prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stsctl.render.describe import describe_pod_template
from stsctl.render.tables import TabWriter

Obj = dict[str, Any]
NO_HISTORY = "No rollout history found."


def history_text(
    name: str, rows: Sequence[tuple[int, str]], *, revision: int = 0, template: Obj | None = None
) -> str:
    """`rollout history`: `statefulset.apps/web ` (kubectl's name printer with an empty
    operation leaves the space), or `... with revision #N`; then the table, or the revision's pod
    template, followed by the empty line kubectl's `"%s\\n"` adds."""
    head = f"{name} with revision #{revision}" if revision else f"{name} "
    if not rows:
        body = NO_HISTORY
    elif revision:
        body = describe_pod_template(template)
    else:
        # history.go's tabbedString: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0).
        table = "REVISION\tCHANGE-CAUSE\n" + "".join(f"{n}\t{cause}\n" for n, cause in rows)
        body = TabWriter(minwidth=0, padding=2).format(table)
    return f"{head}\n{body}\n"


def undo_dry_run_text(name: str, template: Obj | None, suffix: str) -> str:
    """`rollout undo --dry-run=client`: the name printer with the operation `will roll back to
    <pod template>` and the dry-run suffix after it, as kubectl prints it."""
    return f"{name} will roll back to {describe_pod_template(template)}{suffix}\n"
