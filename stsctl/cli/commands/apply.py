"""`stsctl apply -f PATH...`: validate, then create or update, printing kubectl's result lines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import StsctlError, UsageError

HELP = """Apply manifests: everything is validated first (against the cluster's Services, volumes,
StorageClasses and claims too) and nothing is applied if anything has an error.

Objects are created or updated in dependency order (StorageClasses, volumes, Services, claims,
StatefulSets) with kubectl's lines: `service/nginx created`, `statefulset.apps/web configured`,
`... unchanged`, `... serverside-applied`, and ` (dry run)` / ` (server dry run)` suffixes.
Warnings go to stderr as `warning: FILE:LINE:COL: path: message`.

A change the API server refuses on a live object (a StatefulSet's serviceName, selector,
volumeClaimTemplates, podManagementPolicy; a Service's clusterIP) is caught before sending and
explained field by field, and nothing is applied; the way out: `--force` deletes the object and
creates it again (a StatefulSet with --cascade=orphan, so its pods keep running and are
adopted). `--force` asks you to type "yes" on a terminal; pass --yes in scripts.

After applying, a created or changed StatefulSet is followed until its rollout is done (a live
table on a terminal; --watch also off a terminal, --no-watch never).

Examples:

  stsctl apply -f manifests/web.yaml

  stsctl apply -f manifests/ -R --dry-run=server

  stsctl apply -f web.yaml --force --yes

Exit codes: 0 applied, 1 invalid input or an object failed (the others are still applied),
2 usage error, 130 interrupted while watching.
"""


def _confirm(yes: bool) -> Callable[[Sequence[str]], bool]:
    from stsctl.cli.common import ask_typed, stdin_is_terminal

    def confirm(labels: Sequence[str]) -> bool:
        if yes:
            return True
        what = ", ".join(labels)
        if not stdin_is_terminal():
            raise StsctlError(
                f"refusing to replace {what} without confirmation: there is no terminal to ask on",
                hint=(
                    "Pass --yes to replace it (--force deletes it and creates it again)."
                    if len(labels) == 1
                    else "Pass --yes to replace them (--force deletes them and creates them again)."
                ),
            )
        return ask_typed(
            f"{what} will be deleted and created again (a StatefulSet with --cascade=orphan: "
            'its pods keep running). Type "yes" to continue:',
            "yes",
        )

    return confirm


@app.command(help=HELP)
def apply(
    filename: options.Filenames = None,
    recursive: options.Recursive = False,
    dry_run: Annotated[
        str | None,
        typer.Option(
            "--dry-run", help='"none", "client" (print only) or "server" (check on the cluster).'
        ),
    ] = None,
    server_side: Annotated[
        bool,
        typer.Option("--server-side", help="Server-side apply (field manager kubectl)."),
    ] = False,
    force_conflicts: Annotated[
        bool,
        typer.Option("--force-conflicts", help="With --server-side: take over conflicting fields."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace objects whose change the server refuses (delete and create again; "
            "a StatefulSet with --cascade=orphan).",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before --force replaces objects.")
    ] = False,
    watch: Annotated[
        bool | None,
        typer.Option(
            "--watch/--no-watch",
            "-w",
            help="Follow created or changed StatefulSets until done (default: on a terminal).",
        ),
    ] = None,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout", help="Give up watching (and waiting for --force) after this long: 5m."
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="json, yaml or name.")
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.backends.local.simclock import parse_duration
    from stsctl.cli.common import connected, follow_statefulset
    from stsctl.ops.apply import Applied, apply_paths, check_dry_run
    from stsctl.ops.follow import rollout_done
    from stsctl.render.console import is_interactive, out, stderr, stdout
    from stsctl.render.formats import format_objects

    if not filename:
        raise UsageError("must specify one of -f and -k", hint="Example: stsctl apply -f web.yaml")
    if output not in (None, "json", "yaml", "name"):
        raise UsageError(
            f'output format "{output}" not supported for apply (use json, yaml or name)'
        )
    mode = check_dry_run(dry_run)
    seconds = parse_duration(timeout) if timeout is not None else None

    def print_line(applied: Applied) -> None:
        if output is None:
            stdout().write(applied.line(mode) + "\n")
            stdout().flush()

    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        report = apply_paths(
            cluster,
            filename,
            recursive=recursive,
            namespace=namespace,
            dry_run=mode,
            server_side=server_side,
            force=force,
            force_conflicts=force_conflicts,
            timeout=seconds,
            confirm=_confirm(yes),
            on_applied=print_line,
            stdin=sys.stdin,
        )
        for warning in report.warnings:
            stderr().write(f"warning: {warning.format()}\n")
        for notice in report.notices:
            stderr().write(notice + "\n")
        if output == "name":
            for applied in report.applied:
                stdout().write(applied.name + "\n")
        elif output is not None:
            objects = [a.object for a in report.applied]
            if objects:
                stdout().write(format_objects(objects, output, single=len(objects) == 1) + "\n")
        for error in report.errors:
            stderr().write(error.render() + "\n")
        stderr().flush()
        following = watch if watch is not None else (output is None and is_interactive(out()))
        if following and output is None:
            for applied in report.changed_statefulsets():
                follow_statefulset(
                    cluster,
                    applied.namespace or cluster.default_namespace(),
                    applied.object["metadata"]["name"],
                    done=rollout_done,
                    timeout=seconds if seconds else None,
                    title=f"apply {applied.name}",
                )
    if report.errors:
        raise typer.Exit(1)
