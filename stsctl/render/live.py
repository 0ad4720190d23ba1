"""Live views of a StatefulSet: the redrawing table on a terminal, plain lines elsewhere.

Owns the frame `render_view` draws from a `Snapshot` (header with counts and revisions, a
progress bar, one row per pod ordinal, and the "why" section built from `core.why.explain`), the
small theme those frames use (`THEME`: named styles, resolved here so the shared consoles need no
theme of their own), `LiveView` (rich's `Live`, redrawn on every update, only for an interactive
console) and `LineView`, the fallback for pipes and logs: kubectl's `get -w` pod rows, or each new
`rollout status` line plus a `waiting: ...` line whenever a new blocking reason appears. Neither
view reads a clock or a backend: they draw what they are given.
"""

from __future__ import annotations

import textwrap
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.live import Live
from rich.measure import Measurement, measure_renderables
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from stsctl.core.identity import (
    claim_name,
    desired_replicas,
    ordinal_of,
    parent_and_ordinal,
    pod_dns_name,
    pod_name,
    start_ordinal,
)
from stsctl.core.podstate import is_running_and_ready, is_terminating, pod_revision
from stsctl.core.rollout import (
    ON_DELETE,
    ROLLING_UPDATE,
    Progress,
    is_paused,
    pods_of,
    rolling_update,
    rollout_progress,
    status_message,
)
from stsctl.core.why import ORDERED_READY_BLOCKED, Reason, explain
from stsctl.errors import StsctlError
from stsctl.render.age import UNKNOWN, human_duration, parse_timestamp
from stsctl.render.console import is_interactive
from stsctl.render.tables import NONE, format_table, pod_ip, summarize_pod, table_for

if TYPE_CHECKING:
    from stsctl.ops.follow import Snapshot

Obj = dict[str, Any]

# --- theme -------------------------------------------------------------------------------------

THEME: dict[str, str] = {
    "live.title": "bold",
    "live.label": "dim",
    "live.value": "bold",
    "live.header": "bold",
    "live.ok": "green",
    "live.progress": "yellow",
    "live.problem": "bold red",
    "live.muted": "dim",
    "live.update": "cyan",
    "live.current": "",
    "live.old": "magenta",
    "live.blocking": "bold red",
    "live.info": "yellow",
    "live.command": "bold",
    "live.bar.done": "green",
    "live.bar.todo": "dim",
}
_PLAIN = Style()
# One object per distinct style, so neighbouring cells styled alike merge into one segment.
_STYLES = {name: Style.parse(spec) if spec else _PLAIN for name, spec in THEME.items()}


def style(name: str) -> Style:
    """The style behind a theme name (`live.ok`, `live.problem`, ...); "" is no style."""
    return _STYLES[name] if name else _PLAIN


# --- the status line both views share ------------------------------------------------------------


def status_line(snapshot: Snapshot, *, scaling: bool = False) -> str:
    """What `rollout status` would say now: kubectl's message, except that a set still removing
    pods beyond its replicas is not called complete, and an OnDelete set (which kubectl refuses
    to watch) gets the same kind of sentence from the pods. `scaling`: the set is followed
    through a change of size (scale, stop, an ordered delete), whose end at 0 replicas kubectl's
    "partitioned roll out complete: 0 new pods" would not describe."""
    sts = snapshot.sts
    if sts is None:
        return DELETED_LINE
    try:
        message, done = status_message(sts)
    except StsctlError:
        return _on_delete_line(rollout_progress(sts, snapshot.pods, snapshot.now))
    if done:
        wanted = _ordinal_range(sts)
        leaving = sum(1 for p in pods_of(sts, snapshot.pods) if ordinal_of(p) not in wanted)
        if leaving:
            return f"Waiting for {leaving} pods to be deleted..."
        if scaling and not wanted:
            return SCALED_TO_ZERO_LINE
    return message


DELETED_LINE = "object has been deleted"
SCALED_TO_ZERO_LINE = "scaled to 0 replicas: every pod has been deleted"


def _on_delete_line(progress: Progress) -> str:
    if progress.ready < progress.replicas:
        return f"Waiting for {progress.replicas - progress.ready} pods to be ready..."
    if progress.updated < progress.replicas:
        return (
            f"Waiting for pods to be deleted: {progress.updated} out of {progress.replicas} "
            f"pods are at revision {progress.update_revision}..."
        )
    return f"{progress.replicas} pods are at revision {progress.update_revision}"


def _ordinal_range(sts: Obj) -> range:
    start = start_ordinal(sts)
    return range(start, start + desired_replicas(sts))


# --- rows --------------------------------------------------------------------------------------


@dataclass(slots=True)
class PodRow:
    """One line of the pod table: an ordinal of the set, with or without a pod.

    `tone` styles STATUS and READY, `revision_tone` the REVISION cell, `note_tone` the NOTE.
    `settled`: an in-range pod Running, Ready, not terminating and at the update revision;
    `quiet`: settled with nothing to note (folded when the screen is short). `muted`: a condemned
    pod or an ordinal without a pod.
    """

    ordinal: int
    name: str
    status: str
    ready: str
    restarts: str
    revision: str
    claims: str
    node: str
    ip: str
    dns: str
    age: str
    note: str
    tone: str = "live.ok"
    revision_tone: str = "live.current"
    claims_tone: str = ""
    note_tone: str = ""
    settled: bool = False
    quiet: bool = False
    muted: bool = False

    def cells(self) -> tuple[str, ...]:
        """The texts of the table's columns (`COLUMNS`), in order."""
        return (
            str(self.ordinal) if self.ordinal >= 0 else "",
            self.name,
            self.status,
            self.ready,
            self.restarts,
            self.revision,
            self.claims,
            self.node,
            self.ip,
            self.dns,
            self.age,
            self.note,
        )


@dataclass(slots=True)
class _PodFacts:
    """What a row needs from the pod alone (not from the set, its claims or `now`)."""

    version: str
    status: str
    ready: str
    restarts: str
    tone: str
    revision: str
    terminating: bool
    running_and_ready: bool
    node: str
    ip: str
    created: datetime | None


class _FactsMemo:
    """The facts of the pods of the last frame. The follow loop keeps an unchanged pod the same
    object from one snapshot to the next, so a live view works a pod out once, not per frame."""

    def __init__(self) -> None:
        self.last: dict[int, tuple[Obj, _PodFacts]] = {}

    def facts(self, pod: Obj, now: datetime, seen: dict[int, tuple[Obj, _PodFacts]]) -> _PodFacts:
        metadata = pod.get("metadata") or {}
        version = str(metadata.get("resourceVersion") or "")
        entry = self.last.get(id(pod))
        if entry is not None and entry[0] is pod and entry[1].version == version:
            found = entry[1]
        else:
            # Only the RESTARTS count is kept: the "(5m ago)" part is the one that needs `now`.
            summary = summarize_pod(pod, now)
            # Positional: keyword arguments cost more than the rest of a row (rows are many).
            found = _PodFacts(
                version,
                summary.status,
                summary.ready,
                summary.restarts.split(" ", 1)[0],
                _status_tone(summary.status, summary.ready),
                pod_revision(pod),
                is_terminating(pod),
                is_running_and_ready(pod),
                str((pod.get("spec") or {}).get("nodeName") or NONE),
                pod_ip(pod) or NONE,
                parse_timestamp(metadata.get("creationTimestamp")),
            )
        seen[id(pod)] = (pod, found)
        return found


_MEMO = _FactsMemo()


_UID_CHARACTERS = frozenset("0123456789abcdef-")
_WAITING_STATUSES = frozenset(
    {"Pending", "ContainerCreating", "PodInitializing", "Terminating", "NotReady"}
)


def _short_volume(name: str) -> str:
    # Provisioned volumes are `pvc-<uid>`: the first block is enough to tell them apart here.
    # (Checked without a regex: this runs for every row of a frame.)
    uid = name[4:]
    if (
        len(uid) == 36
        and name.startswith("pvc-")
        and uid[8] == "-"
        and "-" not in uid[:8]
        and _UID_CHARACTERS.issuperset(uid)
    ):
        return name[:12] + "…"
    return name


def _status_tone(status: str, ready: str) -> str:
    if status == "Running":
        have, _, want = ready.partition("/")
        return "live.ok" if have == want else "live.progress"
    if status == "Completed":
        return "live.muted"
    if status in _WAITING_STATUSES or (status.startswith("Init:") and status[5:6].isdigit()):
        return "live.progress"
    return "live.problem"


class _RevisionCells:
    """REVISION cell text and tone per revision name, worked out once per frame."""

    def __init__(self, sts: Obj) -> None:
        status = sts.get("status") or {}
        self.current = str(status.get("currentRevision") or "")
        self.update = str(status.get("updateRevision") or "")
        self.prefix = str((sts.get("metadata") or {}).get("name") or "") + "-"
        self.cells: dict[str, tuple[str, str]] = {}

    def __call__(self, revision: str) -> tuple[str, str]:
        cell = self.cells.get(revision)
        if cell is None:
            short = revision.removeprefix(self.prefix) if revision else NONE
            if revision and revision == self.update and self.update != self.current:
                cell = (f"update {short}", "live.update")
            elif revision and revision == self.current:
                cell = (f"current {short}", "live.current")
            else:
                cell = (f"old {short}", "live.old")
            self.cells[revision] = cell
        return cell


def pod_rows(
    snapshot: Snapshot,
    progress: Progress,
    reasons: Sequence[Reason],
    mine: Sequence[Obj] | None = None,
) -> list[PodRow]:
    """The pod table's rows: every ordinal the set wants, then the condemned pods beyond.

    `mine`: the set's pods (`core.rollout.pods_of`) when the caller has them already.
    """
    sts = snapshot.sts
    if sts is None:
        return []
    now = snapshot.now
    meta = sts.get("metadata") or {}
    spec = sts.get("spec") or {}
    set_name = str(meta.get("name") or "")
    namespace = str(meta.get("namespace") or snapshot.namespace)
    service = str(spec.get("serviceName") or "")
    ordered = spec.get("podManagementPolicy") != "Parallel"
    on_delete = progress.strategy == ON_DELETE

    if mine is None:
        mine = pods_of(sts, snapshot.pods)
    # pods_of checked that every name is `<set>-<ordinal>`: the ordinal is what follows.
    skip = len(set_name) + 1
    by_ordinal = {int(str(p["metadata"]["name"])[skip:]): p for p in mine}
    wanted = _ordinal_range(sts)
    claims = {str((c.get("metadata") or {}).get("name") or ""): c for c in snapshot.claims}
    revision_cell = _RevisionCells(sts)
    templates = [
        str((t.get("metadata") or {}).get("name") or "")
        for t in spec.get("volumeClaimTemplates") or []
    ]
    # The notes agree with the "why" section: the pod OrderedReady waits for is the one its
    # ordering reason names, pods with a blocking reason are stuck, info reasons are progress.
    blocker = next((r.pod for r in reasons if r.code == ORDERED_READY_BLOCKED and r.pod), None)
    blocker_ordinal = parent_and_ordinal(blocker)[1] if blocker else -1
    stuck = {r.pod for r in reasons if r.blocking and r.pod}
    busy = {r.pod for r in reasons if not r.blocking and r.pod}
    stuck_claims = {r.claim for r in reasons if r.blocking and r.claim}
    held_back = set(progress.held_back)
    to_update = set(progress.to_update)

    rows: list[PodRow] = []
    seen: dict[int, tuple[Obj, _PodFacts]] = {}
    for ordinal in sorted(set(wanted) | set(by_ordinal)):
        pod = by_ordinal.get(ordinal)
        name = pod_name(set_name, ordinal)
        claim_text, claim_tone = _claims_cell(templates, set_name, ordinal, claims, stuck_claims)
        if pod is None:
            if ordinal in held_back:
                note = "held back by partition"
            elif ordered and 0 <= blocker_ordinal < ordinal:
                note = f"waits for {blocker}"
            else:
                note = "not created yet"
            rows.append(
                PodRow(
                    ordinal, name, "-", "-", "", "", claim_text, "", "", "", "", note,
                    tone="live.muted", revision_tone="live.muted", claims_tone=claim_tone,
                    note_tone="live.muted", muted=True,
                )
            )  # fmt: skip
            continue
        facts = _MEMO.facts(pod, now, seen)
        revision_text, revision_tone = revision_cell(facts.revision)
        condemned = ordinal not in wanted
        terminating = facts.terminating
        if name in stuck:
            note, note_tone = "stuck", "live.blocking"
        elif condemned:
            note = "being removed" if terminating else "to be removed (scale-down)"
            note_tone = "live.muted"
        elif name in busy:
            note, note_tone = "in progress", "live.progress"
        elif ordinal in held_back:
            note, note_tone = "held back by partition", "live.muted"
        elif ordinal in to_update:
            note = "delete to update" if on_delete else "to be updated"
            note_tone = "live.info"
        else:
            note, note_tone = "", ""
        settled = (
            not condemned
            and not terminating
            and facts.revision == progress.update_revision
            and facts.running_and_ready
        )
        created = facts.created
        rows.append(
            PodRow(
                ordinal,
                name,
                facts.status,
                facts.ready,
                facts.restarts,
                revision_text,
                claim_text,
                facts.node,
                facts.ip,
                pod_dns_name(name, service, namespace) if service else NONE,
                UNKNOWN if created is None else human_duration(now - created),
                note,
                facts.tone,
                revision_tone,
                claim_tone,
                note_tone,
                settled,
                settled and not note,
                condemned,
            )
        )
    _MEMO.last = seen
    return rows


def _claims_cell(
    templates: Sequence[str],
    set_name: str,
    ordinal: int,
    claims: Mapping[str, Obj],
    stuck: Container[str],
) -> tuple[str, str]:
    parts = []
    tone = ""
    for template in templates:
        name = claim_name(template, set_name, ordinal)
        claim = claims.get(name)
        if claim is None:
            parts.append(f"{name} (none yet)")
            continue
        phase = str((claim.get("status") or {}).get("phase") or "Pending")
        volume = str((claim.get("spec") or {}).get("volumeName") or "")
        if phase == "Bound" and volume:
            parts.append(f"{name} → {_short_volume(volume)}")
        else:
            parts.append(f"{name} {phase}")
            tone = "live.problem" if name in stuck else tone or "live.progress"
    return ", ".join(parts), tone


# --- the pod table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    header: str
    field: str
    drop: int  # the order columns go in when the screen is too narrow (0: never)


COLUMNS = (
    _Column("#", "ordinal", 0),
    _Column("NAME", "name", 0),
    _Column("STATUS", "status", 0),
    _Column("READY", "ready", 0),
    _Column("RESTARTS", "restarts", 3),
    _Column("REVISION", "revision", 7),
    _Column("CLAIM → VOLUME", "claims", 6),
    _Column("NODE", "node", 4),
    _Column("IP", "ip", 1),
    _Column("DNS NAME", "dns", 5),
    _Column("AGE", "age", 2),
    _Column("NOTE", "note", 0),
)
GAP = 2
_NEWLINE = Segment.line()


class PodTable:
    """The rows laid out like kubectl's tables (left-aligned, 2-space gaps), drawn as segments.

    Built once per frame: widths are measured in one pass and columns that do not fit `width`
    are dropped (IP first, then AGE, RESTARTS, NODE, DNS NAME, CLAIM, REVISION); a line still
    too long is cut by the console.
    """

    def __init__(self, rows: Sequence[PodRow], width: int) -> None:
        self.rows = rows
        cells = [row.cells() for row in rows]
        widths = [len(c.header) for c in COLUMNS]
        for i, values in enumerate(zip(*cells, strict=True)):
            widths[i] = max(widths[i], *map(len, values))
        keep = list(range(len(COLUMNS)))
        if not any(row.note for row in rows):
            keep.remove(len(COLUMNS) - 1)  # NOTE is last
        for column in sorted((c for c in COLUMNS if c.drop), key=lambda c: c.drop):
            if _total(widths, keep) <= width:
                break
            keep.remove(COLUMNS.index(column))
        self.keep = keep
        self.cells = cells
        self.width = min(width, _total(widths, keep))
        # Every kept cell but the last is padded to its column's width plus the gap, so a row is
        # one %-format (twice as fast as `str.format`) and each column starts at a fixed offset.
        pads = [widths[i] + GAP for i in keep]
        self.starts = [sum(pads[:n]) for n in range(len(keep))]
        self.format = "".join(f"%-{pad}s" for pad in pads[:-1]) + "%s"
        self.kept = itemgetter(*keep)

    def _runs(self, styles: Sequence[Style]) -> list[tuple[int, int | None, Style]]:
        """(start, end, style) of each run of neighbouring cells styled alike: one segment each."""
        runs: list[tuple[int, int | None, Style]] = []
        start, current = 0, styles[0]
        for n in range(1, len(styles)):
            if styles[n] is not current:
                runs.append((start, self.starts[n], current))
                start, current = self.starts[n], styles[n]
        runs.append((start, None, current))
        return runs

    def _styles(self, row: PodRow) -> tuple[Style, ...]:
        muted = style("live.muted")
        base = muted if row.muted else _PLAIN
        tone = style(row.tone)
        every = (
            base,
            style("live.update") if row.revision_tone == "live.update" else base,
            tone,
            tone,
            base,
            muted if row.muted else style(row.revision_tone),
            style(row.claims_tone) if row.claims_tone else base,
            base,
            base,
            base if row.tone == "live.ok" or row.muted else muted,  # no DNS record yet
            base,
            style(row.note_tone) if row.note_tone else base,
        )
        return tuple(every[i] for i in self.keep)

    def segments(self) -> list[Segment]:
        """The header and every row, each row as few segments as its styles allow (no padding
        after its last text), as one list: a generator per row costs more than the row."""
        out: list[Segment] = []
        append = out.append
        layout, kept = self.format, self.kept
        # `Segment` is a named tuple, whose generated constructor is Python code; a frame makes
        # thousands of segments, and building the tuple directly takes half the time.
        new = tuple.__new__

        def line(cells: Sequence[str], runs: Sequence[tuple[int, int | None, Style]]) -> None:
            text = (layout % kept(cells)).rstrip(" ")
            size = len(text)
            for start, end, run_style in runs:
                if start and start >= size:
                    break
                append(new(Segment, (text[start:end], run_style, None)))
            # The line break on its own: the console splits lines at it without copying text.
            append(_NEWLINE)

        line([c.header for c in COLUMNS], self._runs([style("live.header")] * len(self.keep)))
        # Rows share a handful of style patterns: work each out once.
        patterns: dict[tuple[str, str, str, str, bool], list[tuple[int, int | None, Style]]] = {}
        for row, cells in zip(self.rows, self.cells, strict=True):
            key = (row.tone, row.revision_tone, row.claims_tone, row.note_tone, row.muted)
            runs = patterns.get(key)
            if runs is None:
                runs = patterns[key] = self._runs(self._styles(row))
            line(cells, runs)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.segments()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


def _total(widths: Sequence[int], keep: Sequence[int]) -> int:
    return sum(widths[i] for i in keep) + GAP * (len(keep) - 1)


def fold_rows(rows: Sequence[PodRow], budget: int) -> list[PodRow]:
    """At most `budget` rows for a short screen: runs of quiet rows fold into one line, then the
    tail is cut with a line that says how many pods are not shown."""
    if len(rows) <= budget:
        return list(rows)
    folded: list[PodRow] = []
    run: list[PodRow] = []

    def flush() -> None:
        if len(run) <= 2:
            folded.extend(run)
        else:
            first, last = run[0], run[-1]
            folded.append(
                _summary_row(
                    f"{first.name}…{last.name}", f"{len(run)} pods Running, Ready, up to date"
                )
            )
        run.clear()

    for row in rows:
        if row.quiet:
            run.append(row)
        else:
            flush()
            folded.append(row)
    flush()
    if len(folded) > budget:
        hidden = len(folded) - (budget - 1)
        folded = [*folded[: budget - 1], _summary_row("…", f"{hidden} more rows not shown")]
    return folded


def _summary_row(name: str, note: str) -> PodRow:
    return PodRow(
        -1, name, "", "", "", "", "", "", "", "", "", note,
        tone="live.muted", revision_tone="live.muted", note_tone="live.muted", muted=True,
    )  # fmt: skip


# --- header ------------------------------------------------------------------------------------


def _strategy_text(sts: Obj, progress: Progress) -> str:
    if progress.strategy != ROLLING_UPDATE:
        return progress.strategy or "<unset>"
    text = f"RollingUpdate, partition {progress.partition}"
    max_unavailable = (rolling_update(sts) or {}).get("maxUnavailable")
    if max_unavailable not in (None, 1):
        text += f", maxUnavailable {max_unavailable}"
    if is_paused(sts):
        text += " (paused)"
    return text


def _revision_text(snapshot: Snapshot, progress: Progress) -> str:
    numbers = {
        str((r.get("metadata") or {}).get("name") or ""): r.get("revision")
        for r in snapshot.revisions
    }

    def named(revision: str) -> str:
        number = numbers.get(revision)
        return f"{revision} ({number})" if number is not None else revision or NONE

    if progress.current_revision == progress.update_revision:
        return named(progress.update_revision)
    return f"{named(progress.current_revision)} → {named(progress.update_revision)}"


def _labelled(parts: Sequence[tuple[str, str, str]]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, value, tone) in enumerate(parts):
        if i:
            text.append("   ")
        text.append(label + " ", style("live.label"))
        text.append(value, style(tone))
    return text


def _updated_and_ready(rows: Sequence[PodRow], progress: Progress, start: int) -> int:
    first = start + min(progress.partition, progress.replicas)
    return sum(1 for row in rows if row.settled and row.ordinal >= first)


def _bar(done: int, total: int, label: str, width: int) -> Text:
    bar_width = max(10, min(40, width - len(label) - 2))
    filled = bar_width if total <= 0 else min(bar_width, round(bar_width * done / total))
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("━" * filled, style("live.bar.done"))
    text.append("─" * (bar_width - filled), style("live.bar.todo"))
    text.append("  " + label)
    return text


def _header(
    snapshot: Snapshot,
    progress: Progress,
    rows: Sequence[PodRow],
    *,
    title: str,
    width: int,
    blocked: bool,
) -> list[Text]:
    sts = snapshot.sts or {}
    spec = sts.get("spec") or {}
    replicas = progress.replicas
    lines = [Text(title, style("live.title"), no_wrap=True, overflow="ellipsis")]
    lines.append(
        _labelled(
            [
                ("statefulset", snapshot.name or str((sts.get("metadata") or {}).get("name")), ""),
                ("namespace", snapshot.namespace, ""),
                ("strategy", _strategy_text(sts, progress), ""),
                ("policy", str(spec.get("podManagementPolicy") or "OrderedReady"), ""),
                ("service", str(spec.get("serviceName") or NONE), ""),
            ]
        )
    )
    ready_tone = "live.ok" if progress.ready == replicas else "live.progress"
    lines.append(
        _labelled(
            [
                ("READY", f"{progress.ready}/{replicas}", ready_tone),
                ("UPDATED", str(progress.updated), "live.value"),
                ("CURRENT", str(progress.current), "live.value"),
                ("AVAILABLE", str(progress.available), "live.value"),
                ("revision", _revision_text(snapshot, progress), "live.value"),
            ]
        )
    )
    if progress.eligible > 0:
        done = _updated_and_ready(rows, progress, start_ordinal(sts))
        total = progress.eligible
        label = f"{done}/{total} updated and ready"
    elif replicas > 0:
        done, total = progress.ready, replicas
        label = f"{done}/{total} ready (partition {progress.partition} holds every pod back)"
    else:
        left = sum(1 for row in rows if row.status != "-")  # every row is a pod being removed
        done, total = (0, 1) if left else (1, 1)
        label = f"scaled to 0, {left} pods left" if left else "scaled to 0"
    lines.append(_bar(done, total, label, width))
    line = status_line(snapshot)
    tone = "live.ok" if progress.done else ("live.problem" if blocked else "live.progress")
    lines.append(Text(line, style(tone), no_wrap=True, overflow="ellipsis"))
    return lines


# --- why -----------------------------------------------------------------------------------------

_LABEL_WIDTH = 9
# Reasons about big sets name many pods ("will not update web-998, ..."): a few lines say enough.
MAX_LINES_PER_TEXT = 4


def _wrapped(text: str, width: int, indent: str = "") -> list[str]:
    # A reason about a thousand pods runs to thousands of characters, of which a few lines are
    # shown: wrap only its start. Cut before a space, the start wraps into the same first lines
    # as the whole text; when it does not fill more lines than are shown, wrap the whole text.
    shown = (MAX_LINES_PER_TEXT + 1) * (width + 1)
    cut = text.rfind(" ", 0, shown) if len(text) > shown else -1
    lines = textwrap.wrap(text[:cut], width, subsequent_indent=indent) if cut > 0 else []
    if len(lines) <= MAX_LINES_PER_TEXT:
        lines = textwrap.wrap(text, width, subsequent_indent=indent) or [""]
    if len(lines) > MAX_LINES_PER_TEXT:
        lines = lines[:MAX_LINES_PER_TEXT]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def why_lines(reasons: Sequence[Reason], width: int) -> list[Text]:
    """The "why" section: per reason its summary (wrapped), evidence and commands.

    Single-line commands are indented; multi-line ones (here-documents) start at the left edge,
    so that copying them keeps the `EOF` terminator working.
    """
    if not reasons:
        return []
    blocked = any(r.blocking for r in reasons)
    heading = "why it is stuck" if blocked else "what it is waiting for"
    lines = [Text(heading, style("live.header"))]
    indent = " " * _LABEL_WIDTH
    wrap = max(20, width - _LABEL_WIDTH)
    for reason in reasons:
        label, tone = ("BLOCKED", "live.blocking") if reason.blocking else ("WAITING", "live.info")
        for i, chunk in enumerate(_wrapped(reason.summary, wrap)):
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(label.ljust(_LABEL_WIDTH) if i == 0 else indent, style(tone))
            line.append(chunk)
            lines.append(line)
        for detail in reason.detail:
            for chunk in _wrapped(detail, wrap, "  "):
                lines.append(Text(indent + chunk, style("live.muted"), no_wrap=True))
        if reason.commands:
            intro = "run one of:" if reason.either and len(reason.commands) > 1 else "run:"
            lines.append(Text(indent + intro, style("live.label")))
            for command in reason.commands:
                if "\n" in command:
                    lines += [Text(part, style("live.command")) for part in command.split("\n")]
                else:
                    lines.append(Text(indent + "  " + command, style("live.command")))
    return lines


# --- the frame -----------------------------------------------------------------------------------


def reasons_for(snapshot: Snapshot, pods: Sequence[Obj] | None = None) -> list[Reason]:
    """`core.why.explain` over a snapshot (`pods`: the set's pods, when already picked out)."""
    sts = snapshot.sts
    if sts is None:
        return []
    return explain(
        sts,
        snapshot.pods if pods is None else pods,
        snapshot.claims,
        snapshot.pvs,
        snapshot.storageclasses,
        snapshot.events,
        snapshot.revisions,
        snapshot.services,
        snapshot.nodes,
        snapshot.now,
        local=snapshot.local,
        default_namespace=snapshot.default_namespace,
    )


def render_view(
    snapshot: Snapshot, *, title: str, width: int, height: int | None = None
) -> RenderableType:
    """One frame: header, progress bar, status line, pod table and the "why" section.

    With `height` (a terminal's), quiet rows are folded and the table cut so that the header
    and the "why" section stay on screen.
    """
    sts = snapshot.sts
    if sts is None:
        return Group(
            Text(title, style("live.title")),
            Text(f'statefulset "{snapshot.name}" not found', style("live.problem")),
        )
    mine = pods_of(sts, snapshot.pods)
    progress = rollout_progress(sts, mine, snapshot.now)
    reasons = reasons_for(snapshot, mine)
    rows = pod_rows(snapshot, progress, reasons, mine)
    blocked = any(r.blocking for r in reasons)
    header = _header(snapshot, progress, rows, title=title, width=width, blocked=blocked)
    why = why_lines(reasons, width)
    if height is not None:
        budget = height - len(header) - 2 - (len(why) + 1 if why else 0)
        rows = fold_rows(rows, max(3, budget))
    parts: list[RenderableType] = [*header, Text(""), PodTable(rows, width)]
    if why:
        parts += [Text(""), *why]
    return _Frame(parts)


class _Frame:
    """The parts of a frame one under the other (rich's `Group`), handed to the console as one
    list of segments: a thousand rows are a few thousand segments, each of which a nested
    renderable would pass up through one more generator."""

    def __init__(self, parts: Sequence[RenderableType]) -> None:
        self.parts = parts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        segments: list[Segment] = []
        options = options.reset_height()  # as the console renders what a renderable yields
        for part in self.parts:
            if isinstance(part, PodTable):
                segments += part.segments()
            else:
                segments += console.render(part, options)
        return segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return measure_renderables(console, options, self.parts)


# --- views -------------------------------------------------------------------------------------


class LiveView:
    """A frame redrawn in place on each `update` (rich `Live`, refreshed only by updates).

    Use it only when `console.is_interactive(console)`; the last frame stays on screen.
    """

    def __init__(self, console: Console, *, title: str) -> None:
        self.console = console
        self.title = title
        self._live = Live(
            console=console,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
            auto_refresh=False,
        )

    def __enter__(self) -> LiveView:
        self._live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._live.stop()

    def update(self, snapshot: Snapshot) -> None:
        frame = render_view(
            snapshot, title=self.title, width=self.console.width, height=self.console.height
        )
        self._live.update(frame, refresh=True)


Mode = Literal["pods", "rollout", "scale"]


class LineView:
    """Plain lines for pipes and logs; never colour or cursor movement.

    `mode="pods"`: kubectl's `get pods -w`: the header once, then one row per pod whose row
    changed (AGE aside), columns aligned with everything printed before. `mode="rollout"`: the
    `rollout status` line whenever it changes, and a `waiting: <summary>` line the first time
    each blocking reason appears; `mode="scale"` the same for a change of size (`status_line`
    with `scaling`).
    """

    def __init__(self, console: Console, *, mode: Mode = "rollout", wide: bool = False) -> None:
        self.console = console
        self.mode = mode
        self.wide = wide
        self._widths: list[int] = []
        self._rows: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._last_line: str | None = None
        self._reasons: set[tuple[str, str | None, str | None, str]] = set()
        self._header_printed = False

    def __enter__(self) -> LineView:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def _print(self, text: str) -> None:
        self.console.out(text, highlight=False)

    def update(self, snapshot: Snapshot) -> None:
        if self.mode == "pods":
            self._pod_rows(snapshot)
        else:
            self._status(snapshot)

    def _pod_rows(self, snapshot: Snapshot) -> None:
        pods = sorted(snapshot.pods, key=lambda p: (ordinal_of(p), _name(p)))
        table = table_for("Pod", pods, snapshot.now, wide=self.wide)
        age_column = table.headers.index("AGE")
        kept = []
        for pod, cells in zip(pods, table.rows, strict=True):
            name = _name(pod)
            version = str((pod.get("metadata") or {}).get("resourceVersion") or "")
            without_age = tuple(c for i, c in enumerate(cells) if i != age_column)
            previous = self._rows.get(name)
            if previous is not None and (previous[0] == version or previous[1] == without_age):
                continue
            self._rows[name] = (version, without_age)
            kept.append(cells)
        if not kept:
            return
        table.rows = kept
        text = format_table(table, no_headers=self._header_printed, widths=self._widths)
        self._header_printed = True
        for line in text.rstrip("\n").split("\n"):
            self._print(line)

    def _status(self, snapshot: Snapshot) -> None:
        line = status_line(snapshot, scaling=self.mode == "scale")
        if line != self._last_line:
            self._print(line)
            self._last_line = line
        for reason in reasons_for(snapshot):
            key = (reason.code, reason.pod, reason.claim, reason.summary)
            if reason.blocking and key not in self._reasons:
                # Once per run: a pod flapping between Ready and not must not flood the log.
                self._reasons.add(key)
                self._print(f"waiting: {reason.summary}")


def _name(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def view_for(
    console: Console, *, title: str, mode: Mode = "rollout", live: bool = True, wide: bool = False
) -> LiveView | LineView:
    """The live table on an interactive console (unless `live` is off, e.g. `--no-live` or
    `-o`), plain lines otherwise."""
    if live and is_interactive(console):
        return LiveView(console, title=title)
    return LineView(console, mode=mode, wide=wide)
