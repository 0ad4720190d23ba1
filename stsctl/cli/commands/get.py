"""`stsctl get`: objects as kubectl's tables, JSON, YAML, names, JSONPath or custom columns, and
`get -w`: a live view on a terminal, kubectl's row-per-change stream elsewhere."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import Interrupted, UsageError

if TYPE_CHECKING:
    from stsctl.backends.base import Backend
    from stsctl.ops.get import Change, GetResult, Synced, Target
    from stsctl.render.outputs import OutputSpec

HELP = """Display one or many objects.

Arguments are kubectl's: TYPE[,TYPE...] [NAME...] or TYPE/NAME... Types and short names:
statefulsets (sts), pods (po), persistentvolumeclaims (pvc), persistentvolumes (pv),
services (svc), storageclasses (sc), events (ev), namespaces (ns), nodes (no),
configmaps (cm), controllerrevisions, endpointslices, and all (pods, services, statefulsets).

Tables have kubectl's columns; AGE counts the cluster's clock (simulated time on the local
cluster). Events are listed in the order they happened. "No resources found" goes to stderr.

With -w, the table is printed once and then one row per change (columns keep their widths),
until Ctrl-C or --timeout (the cluster's clock). On a terminal, `get pods -l SEL -w` for the pods
of one StatefulSet, or `get sts NAME -w`, shows the live view of that set instead.

Examples:

  stsctl get pods -l app=nginx

  stsctl get sts web -o yaml

  stsctl get pods,svc,pvc

  stsctl get pods -l app=nginx -w --timeout 1m

  stsctl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName

Exit codes: 0 success (also when nothing matched), 1 error (a named object not found),
2 usage error, 130 interrupted.
"""

_LIVE_FORMATS = ("", "wide")


@app.command(help=HELP)
def get(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="TYPE[,TYPE...] [NAME...] | TYPE/NAME...",
            help="What to get: sts, pods web-0, pods,svc, all, sts/web.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="wide, json, yaml, name, jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE, "
            "jsonpath-file=FILE, custom-columns=SPEC, custom-columns-file=FILE.",
        ),
    ] = None,
    watch: Annotated[
        bool,
        typer.Option("-w", "--watch", help="After listing, watch for changes."),
    ] = False,
    watch_only: Annotated[
        bool,
        typer.Option("--watch-only", help="Watch for changes without listing first."),
    ] = False,
    output_watch_events: Annotated[
        bool,
        typer.Option(
            "--output-watch-events", help="With -w: add an EVENT column (ADDED, MODIFIED, ...)."
        ),
    ] = False,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout",
            help="With -w: stop watching after this long in the cluster's clock (30s, 5m).",
        ),
    ] = None,
    request_timeout: Annotated[
        str | None,
        typer.Option(
            "--request-timeout",
            help="With -w: like --timeout (kubectl's per-request timeout; 0 = none).",
            rich_help_panel=options.GLOBAL,
        ),
    ] = None,
    no_headers: Annotated[
        bool, typer.Option("--no-headers", help="Leave out the header line of tables.")
    ] = False,
    show_labels: Annotated[
        bool, typer.Option("--show-labels", help="Add a LABELS column.")
    ] = False,
    show_kind: Annotated[
        bool, typer.Option("--show-kind", help="Print names as kind/name.")
    ] = False,
    label_columns: Annotated[
        list[str] | None,
        typer.Option(
            "-L",
            "--label-columns",
            help="Add a column with the value of this label (repeatable, or comma-separated).",
        ),
    ] = None,
    sort_by: Annotated[
        str | None,
        typer.Option("--sort-by", help="Sort by a JSONPath field, e.g. .metadata.name."),
    ] = None,
    ignore_not_found: Annotated[
        bool,
        typer.Option("--ignore-not-found", help="Do not fail when a named object is missing."),
    ] = False,
    field_selector: Annotated[
        str | None,
        typer.Option(
            "--field-selector",
            help="Filter by fields: metadata.name, metadata.namespace, status.phase, "
            "spec.nodeName (=, ==, !=).",
        ),
    ] = None,
    namespace: options.Namespace = None,
    all_namespaces: options.AllNamespaces = False,
    selector: options.Selector = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.get import get_objects, parse_targets, sort_objects
    from stsctl.render import outputs

    spec = outputs.parse_output(output)  # kubectl builds its printer before fetching anything
    targets, _ = parse_targets(args or [])
    watching = watch or watch_only
    if watching and len(targets) > 1:
        raise UsageError(
            "watch is only supported on individual resources and resource collections, "
            f"but {len(targets)} resource types were asked for"
        )
    seconds = _watch_timeout(timeout, request_timeout)
    columns = _label_keys(label_columns)
    sort_values = _sort_values(sort_by) if sort_by else None
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace, all_namespaces)
        result = get_objects(
            cluster,
            list(args or []),
            namespace=ns,
            all_namespaces=all_namespaces,
            selector=selector,
            field_selector=field_selector,
            ignore_not_found=ignore_not_found,
        )
        if sort_values is not None and sort_by is not None:
            sort_objects(result, sort_values, outputs.relaxed_jsonpath(sort_by))
        printer = _Printer(
            spec,
            no_headers=no_headers,
            show_labels=show_labels,
            label_columns=columns,
            with_kind=result.multiple_kinds or show_kind,
            all_namespaces=all_namespaces,
        )
        if not watching:
            _print_result(printer, result, quiet=ignore_not_found)
        elif result.errors:
            _raise_errors(result)  # kubectl does not start watching what is not there
        else:
            _watch(
                cluster,
                printer,
                result,
                targets[0],
                selector=selector,
                field_selector=field_selector,
                timeout=seconds,
                watch_only=watch_only,
                events_column=output_watch_events,
            )
    _raise_errors(result)


# --- flags -----------------------------------------------------------------------------------


def _watch_timeout(timeout: str | None, request_timeout: str | None) -> float | None:
    """Seconds `-w` may run: --timeout (0 = list only), else --request-timeout (0 = no limit)."""
    if timeout is None and request_timeout is None:
        return None
    from stsctl.backends.local.simclock import parse_duration

    if timeout is not None:
        seconds = parse_duration(timeout)
        return None if seconds < 0 else seconds
    if request_timeout is not None:
        seconds = parse_duration(request_timeout)
        return None if seconds <= 0 else seconds
    return None


def _label_keys(values: Sequence[str] | None) -> list[str]:
    return [key.strip() for value in values or () for key in value.split(",") if key.strip()]


def _sort_values(expression: str) -> Any:
    from stsctl.errors import StsctlError
    from stsctl.render.outputs import JSONPathError, find_results, relaxed_jsonpath

    template = relaxed_jsonpath(expression)

    def values(obj: dict[str, Any]) -> list[Any]:
        try:
            return [v for group in find_results(template, obj) for v in group]
        except JSONPathError as error:
            raise StsctlError(str(error)) from error

    return values


# --- printing once ---------------------------------------------------------------------------


class _Printer:
    """Turns objects into text in the `-o` format, kubectl's way (per-kind tables separated by
    a blank line, `kind/name` names when several kinds were asked for)."""

    def __init__(
        self,
        spec: OutputSpec,
        *,
        no_headers: bool,
        show_labels: bool,
        label_columns: Sequence[str],
        with_kind: bool,
        all_namespaces: bool,
    ) -> None:
        self.spec = spec
        self.no_headers = no_headers
        self.show_labels = show_labels
        self.label_columns = list(label_columns)
        self.with_kind = with_kind
        self.all_namespaces = all_namespaces
        self.printed = 0  # objects printed in a structured format (json/yaml separators)

    def table(self, kind: str, items: Sequence[dict[str, Any]], now: Any) -> Any:
        from stsctl.render.tables import table_for

        return table_for(
            kind,
            items,
            now,
            wide=self.spec.wide,
            all_namespaces=self.all_namespaces,
            show_labels=self.show_labels,
            label_columns=self.label_columns,
            with_kind=self.with_kind,
        )

    def rows(
        self,
        kind: str,
        items: Sequence[dict[str, Any]],
        now: Any,
        *,
        header: bool,
        widths: list[int] | None = None,
        events: Sequence[str] = (),
    ) -> str:
        """Table text (default, wide or custom-columns), with kubectl's remembered widths."""
        from stsctl.render.outputs import format_custom_columns
        from stsctl.render.tables import Table, format_table

        no_headers = self.no_headers or not header
        if self.spec.format == "custom-columns":
            if events:
                table = Table(
                    ["EVENT", *(c.header for c in self.spec.columns)],
                    [
                        [event, *_custom_cells(self.spec, obj)]
                        for event, obj in zip(events, items, strict=True)
                    ],
                )
                return format_table(table, no_headers=no_headers, widths=widths)
            return format_custom_columns(
                self.spec.columns, items, no_headers=no_headers, widths=widths
            )
        table = self.table(kind, items, now)
        if events:
            table.headers.insert(0, "EVENT")
            for event, row in zip(events, table.rows, strict=True):
                row.insert(0, event)
        return format_table(table, no_headers=no_headers, widths=widths)

    def document(self, value: dict[str, Any]) -> str:
        """One object or List in a structured format (json, yaml, name, jsonpath)."""
        from stsctl.render.formats import format_json, format_yaml
        from stsctl.render.outputs import format_names, render_jsonpath

        fmt = self.spec.format
        self.printed += 1
        if fmt == "json":
            return format_json(value) + "\n"
        if fmt == "yaml":
            separator = "---\n" if self.printed > 1 else ""
            return separator + format_yaml(value)
        if fmt == "name":
            items = value["items"] if value.get("kind") == "List" else [value]
            return format_names(items)
        return render_jsonpath(self.spec, value)


def _custom_cells(spec: OutputSpec, obj: dict[str, Any]) -> list[str]:
    from stsctl.render.outputs import custom_column_cells

    return custom_column_cells(spec.columns, obj)


def _write(text: str) -> None:
    from stsctl.render.console import stdout

    if text:
        stream = stdout()
        stream.write(text)
        stream.flush()


def _nothing_found(result: GetResult) -> None:
    from stsctl.render.console import stderr

    if result.all_namespaced and not result.all_namespaces:
        stderr().write(f"No resources found in {result.namespace} namespace.\n")
    else:
        stderr().write("No resources found\n")


def _print_result(printer: _Printer, result: GetResult, *, quiet: bool = False) -> None:
    from stsctl.render.formats import as_list  # light: PyYAML is loaded by -o yaml only

    fmt = printer.spec.format
    items = result.items
    if fmt in ("json", "yaml", "jsonpath", "jsonpath-as-json"):
        value = items[0] if result.single and len(items) == 1 else as_list(items)
        if not items and result.errors:
            return  # kubectl prints only the errors when nothing named was found
        _write(printer.document(value))
        return
    if not items:
        if not result.errors and not quiet:
            _nothing_found(result)
        return
    if fmt == "name":
        _write(printer.document(as_list(items)))
        return
    if fmt == "custom-columns":
        _write(printer.rows("", items, result.now, header=True))
        return
    tables = [
        printer.rows(group.kind.kind, group.items, result.now, header=True)
        for group in result.groups
        if group.items
    ]
    _write(("\n" if not printer.no_headers else "").join(tables))


def _raise_errors(result: GetResult) -> None:
    if not result.errors:
        return
    from stsctl.render.console import stderr

    for error in result.errors[:-1]:
        stderr().write(error.render() + "\n")
    raise result.errors[-1]


# --- watching --------------------------------------------------------------------------------


def _watch(
    cluster: Backend,
    printer: _Printer,
    result: GetResult,
    target: Target,
    *,
    selector: str | None,
    field_selector: str | None,
    timeout: float | None,
    watch_only: bool,
    events_column: bool,
) -> None:
    from stsctl.ops.get import watch_changes
    from stsctl.render.console import is_interactive, out

    version = _list_version(cluster, result, target, selector, field_selector)
    live = (
        is_interactive(out())
        and printer.spec.format in _LIVE_FORMATS
        and not events_column
        and not printer.no_headers
    )
    try:
        if live:
            _watch_live(cluster, printer, result, target, selector, timeout, version)
            return
        changes = watch_changes(
            cluster,
            target,
            result.namespace if target.kind.namespaced else None,
            resource_version=version,
            selector=selector,
            field_selector=field_selector,
            timeout=timeout,
        )
        _stream(printer, result, target, changes, watch_only=watch_only, events=events_column)
    except KeyboardInterrupt:
        raise Interrupted("stopped watching; the cluster was not changed") from None


def _list_version(
    cluster: Backend,
    result: GetResult,
    target: Target,
    selector: str | None,
    field_selector: str | None,
) -> str:
    """The resourceVersion to watch from: a list taken after the objects were printed would
    miss nothing that matters, since a replayed change only prints a row again."""
    listed = cluster.list(
        target.kind.kind,
        result.namespace if target.kind.namespaced else None,
        label_selector=None if target.names else selector,
        field_selector=None if target.names else field_selector,
    )
    return str((listed.get("metadata") or {}).get("resourceVersion") or "")


def _stream(
    printer: _Printer,
    result: GetResult,
    target: Target,
    changes: Iterator[Change | Synced],
    *,
    watch_only: bool,
    events: bool,
) -> None:
    """kubectl's `get -w` off a terminal: the list, then one row (or document) per change."""
    from stsctl.ops.get import Change

    kind = target.kind.kind
    widths: list[int] = []
    header = True
    table_format = printer.spec.is_table
    if not watch_only and result.items:
        if table_format:
            types = ["ADDED"] * len(result.items) if events else []
            _write(
                printer.rows(
                    kind, result.items, result.now, header=True, widths=widths, events=types
                )
            )
            header = False
        else:
            for obj in result.items:
                _write(printer.document(obj))
    for change in changes:
        if not isinstance(change, Change):
            continue
        if table_format:
            types = [change.type] if events else []
            _write(
                printer.rows(
                    kind, [change.object], change.now, header=header, widths=widths, events=types
                )
            )
            header = False
        else:
            _write(printer.document(change.object))


def _watch_live(
    cluster: Backend,
    printer: _Printer,
    result: GetResult,
    target: Target,
    selector: str | None,
    timeout: float | None,
    version: str,
) -> None:
    """On a terminal: the StatefulSet live view when one set is meant, else a pod table redrawn
    in place."""
    from stsctl.ops.get import follow_quietly, statefulset_for_pods
    from stsctl.render.console import out
    from stsctl.render.live import view_for

    namespace = result.namespace
    name: str | None = None
    if namespace is not None:
        if target.kind.kind == "StatefulSet" and len(target.names) == 1:
            name = target.names[0]
        elif target.kind.kind == "Pod" and not target.names:
            name = statefulset_for_pods(cluster, namespace, selector)
    if name is not None and namespace is not None:
        with view_for(out(), title=f"statefulset.apps/{name}", mode="pods", live=True) as view:
            for snapshot in follow_quietly(cluster, namespace, name, timeout=timeout):
                view.update(snapshot)
        return
    _live_table(cluster, printer, result, target, selector, timeout, version)


def _live_table(
    cluster: Backend,
    printer: _Printer,
    result: GetResult,
    target: Target,
    selector: str | None,
    timeout: float | None,
    version: str,
) -> None:
    from rich.live import Live
    from rich.text import Text

    from stsctl.ops.get import Change, ObjectTable, watch_changes
    from stsctl.render.console import out

    table = ObjectTable(result.items)
    kind = target.kind.kind

    def frame(now: Any) -> Text:
        items = table.items
        if not items:
            return Text(_empty_text(result), style="dim")
        return Text(printer.rows(kind, items, now, header=True).rstrip("\n"))

    changes = watch_changes(
        cluster,
        target,
        result.namespace if target.kind.namespaced else None,
        resource_version=version,
        selector=selector,
        timeout=timeout,
    )
    with Live(
        frame(result.now),
        console=out(),
        auto_refresh=False,
        transient=False,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as live:
        for change in changes:
            if isinstance(change, Change):
                table.apply(change)
            else:
                live.update(frame(change.now), refresh=True)


def _empty_text(result: GetResult) -> str:
    if result.all_namespaced and not result.all_namespaces:
        return f"No resources found in {result.namespace} namespace."
    return "No resources found"
