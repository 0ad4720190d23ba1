"""`stsctl delete`: delete objects by name, label selector or file; prints
`statefulset.apps "web" deleted`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import StsctlError, UsageError

if TYPE_CHECKING:
    from stsctl.ops.follow import Snapshot

HELP = """Delete objects: `KIND NAME...`, `KIND/NAME...`, `KIND -l SELECTOR`, `KIND --all` or
`-f PATH` (the reverse of the apply order: StatefulSets before their Services and volumes).

Prints kubectl's lines (`statefulset.apps "web" deleted`, `pod "web-0" force deleted` with
--force) and waits until the objects are gone (--no-wait to return at once; on the local cluster
simulated time moves on while waiting). `No resources found` when a selector matches nothing.

Deleting a StatefulSet asks you to type "confirmed" on a terminal (pass --yes in scripts; without
a terminal and without --yes nothing is deleted). Its claims stay unless its
persistentVolumeClaimRetentionPolicy says otherwise: a note names them. --ordered scales the set
to 0 first and waits until its pods are gone, highest ordinal first (as the StatefulSet docs
advise for an orderly shutdown), then deletes it. --cascade=orphan keeps the pods running.

Examples:

  stsctl delete sts web --yes

  stsctl delete statefulset/web --ordered --yes

  stsctl delete pod web-0 --force --grace-period=0

  stsctl delete pvc -l app=nginx

Exit codes: 0 deleted (or nothing matched), 1 an object could not be deleted or did not go away
in time, or the confirmation was refused, 2 usage error, 130 interrupted.
"""


def _confirm(yes: bool) -> Callable[[Sequence[str]], bool]:
    from stsctl.cli.common import ask_typed, stdin_is_terminal
    from stsctl.ops.delete import CONFIRM_WORD

    def confirm(labels: Sequence[str]) -> bool:
        if yes:
            return True
        what = ", ".join(labels)
        if not stdin_is_terminal():
            raise StsctlError(
                f"refusing to delete {what} without confirmation (no terminal to type "
                f'"{CONFIRM_WORD}" on); pass --yes to delete {"it" if len(labels) == 1 else "them"}'
            )
        return ask_typed(f'Type "{CONFIRM_WORD}" to delete {what}:', CONFIRM_WORD)

    return confirm


@app.command(help=HELP)
def delete(
    args: Annotated[
        list[str] | None,
        typer.Argument(metavar="KIND NAME... | KIND/NAME...", help="What to delete."),
    ] = None,
    filename: options.Filenames = None,
    recursive: options.Recursive = False,
    selector: options.Selector = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Delete every object of the kind in the namespace.")
    ] = False,
    all_namespaces: options.AllNamespaces = False,
    cascade: Annotated[
        str,
        typer.Option(
            "--cascade", help="background (default), foreground or orphan (keep the pods)."
        ),
    ] = "background",
    grace_period: Annotated[
        int,
        typer.Option(
            "--grace-period",
            help="Seconds a pod gets to stop; -1 uses the pod's own; 0 needs --force.",
        ),
    ] = -1,
    now: Annotated[bool, typer.Option("--now", help="Same as --grace-period=1.")] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Remove at once (grace period 0), without waiting for the kubelet."
        ),
    ] = False,
    wait: Annotated[
        bool,
        typer.Option("--wait/--no-wait", help="Wait until the objects are gone (default)."),
    ] = True,
    timeout: Annotated[
        str | None,
        typer.Option("--timeout", help="Give up waiting after this long (default: a week)."),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help='Do not ask to type "confirmed" before deleting sets.'),
    ] = False,
    ordered: Annotated[
        bool,
        typer.Option(
            "--ordered",
            help="StatefulSets: scale to 0 and wait for the pods to go (highest ordinal first), "
            "then delete.",
        ),
    ] = False,
    ignore_not_found: Annotated[
        bool | None,
        typer.Option(
            "--ignore-not-found/--no-ignore-not-found",
            help="Treat a missing object as success (default with -l and --all).",
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="name: print kind/name only.")
    ] = None,
    dry_run: Annotated[
        str | None, typer.Option("--dry-run", help='"none", "client" or "server".')
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.backends.local.simclock import parse_duration
    from stsctl.cli.common import connected, follow_statefulset
    from stsctl.ops.apply import check_dry_run
    from stsctl.ops.delete import (
        IMMEDIATE_DELETION_WARNING,
        Deleted,
        DeleteHooks,
        DeleteRequest,
        delete_objects,
        grace_period_for,
    )
    from stsctl.render.console import stderr, stdout

    if output not in (None, "name"):
        raise UsageError(f"unexpected -o output mode: {output}. We only support '-o name'")
    mode = check_dry_run(dry_run)
    grace = grace_period_for(grace_period, now=now, force=force)
    request = DeleteRequest(
        args=tuple(args or ()),
        filenames=tuple(filename or ()),
        recursive=recursive,
        selector=selector,
        all=all_,
        all_namespaces=all_namespaces,
        namespace=namespace,
        cascade=cascade,
        grace_period=grace,
        wait=wait,
        timeout=parse_duration(timeout) if timeout is not None else 0.0,
        dry_run=mode,
        ignore_not_found=ignore_not_found,
        ordered=ordered,
    )
    if grace == 0 and force:
        stderr().write(IMMEDIATE_DELETION_WARNING + "\n")
        stderr().flush()

    def print_line(text: str) -> None:
        stdout().write(text + "\n")
        stdout().flush()

    def deleted(item: Deleted) -> None:
        print_line(item.name_line() if output == "name" else item.line())

    def scaled(line: str) -> None:
        if output is None:
            print_line(line)

    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:

        def follow(
            namespace: str,
            name: str,
            done: Callable[[Snapshot], bool],
            seconds: float | None,
            title: str,
        ) -> None:
            follow_statefulset(
                cluster, namespace, name, done=done, timeout=seconds, title=title, scaling=True
            )

        hooks = DeleteHooks(
            confirm=_confirm(yes),
            follow=follow if output is None else None,
            scaled=scaled,
            deleted=deleted,
        )
        report = delete_objects(cluster, request, stdin=sys.stdin, hooks=hooks)
    if report.found == 0 and not report.errors:
        print_line("No resources found")
    for warning in report.warnings:
        stderr().write(warning + "\n")
    for note in report.notes:
        stderr().write(note + "\n")
    for error in report.errors:
        stderr().write(error.render() + "\n")
        if error.hint:
            stderr().write(error.hint + "\n")
    stderr().flush()
    if report.errors:
        raise typer.Exit(1)
