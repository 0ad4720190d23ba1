"""`stsctl rollout`: staged updates (`rollout NAME --partition N [--image C=I]`) and kubectl's
rollout verbs for StatefulSets: status, history, undo, restart, pause, resume.

`rollout` is both a command taking a NAME and a group of subcommands. `RolloutGroup` routes:
a first word that is a subcommand name runs that subcommand, anything else (a set's name,
`sts/NAME`, an option) runs the hidden partition command with every word. A StatefulSet called
like a subcommand is reached as `sts/status`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer._click import Context

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.cli.help import App, HelpCommand, HelpGroup
from stsctl.errors import UsageError

PARTITION_COMMAND = "partition"
_HELP_FLAGS = ("-h", "--help")


class RolloutGroup(HelpGroup):
    """A group whose first word may also be a StatefulSet name (see the module docstring)."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in _HELP_FLAGS and not self._is_subcommand(args[0]):
            args = [PARTITION_COMMAND, *args]
        return super().parse_args(ctx, args)

    def _is_subcommand(self, word: str) -> bool:
        command = self.commands.get(word)
        return command is not None and not command.hidden


class _NamelessContext(Context):
    @property
    def command_path(self) -> str:
        return super().command_path.strip()


class PartitionCommand(HelpCommand):
    """The hidden command behind `rollout NAME ...`: invoked without a name of its own, so its
    usage and errors read `stsctl rollout NAME ...`."""

    context_class = _NamelessContext

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Context | None = None,
        **extra: Any,
    ) -> Context:
        return super().make_context(None, args, parent=parent, **extra)

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return ["NAME", "--partition", "N", "[--image CONTAINER=IMAGE]...", "[OPTIONS]"]


rollout_app = App(
    name="rollout",
    cls=RolloutGroup,
    no_args_is_help=True,
    subcommand_metavar="NAME --partition N [--image CONTAINER=IMAGE]... | COMMAND [ARGS]...",
    help=(
        "Staged updates of a StatefulSet, and kubectl's rollout commands.\n\n"
        "`stsctl rollout NAME --partition N [--image CONTAINER=IMAGE]...` sets the partition "
        "(and images) in one change, prints `statefulset.apps/NAME patched` and follows the "
        "pods until every pod at or above the partition is updated and Ready: canary with "
        "--partition 2 of 3, stage with --partition 3, finish with --partition 0. "
        "`stsctl rollout NAME --help` shows its options. A set named like a subcommand: "
        "`stsctl rollout sts/status --partition 1`."
    ),
)
app.add_typer(rollout_app, name="rollout")

Target = Annotated[
    list[str], typer.Argument(metavar="NAME", help="web, sts/web or statefulset.apps/web.")
]
Timeout = Annotated[
    str | None,
    typer.Option("--timeout", help="Give up after this long (30s, 5m); 0 or unset: never."),
]


def _timeout(text: str | None) -> float | None:
    from stsctl.backends.local.simclock import parse_duration

    if text is None:
        return None
    seconds = parse_duration(text)
    return seconds if seconds > 0 else None


def _go_bool(flag: str, text: str) -> bool:
    """kubectl's boolean flag values (Go's strconv.ParseBool)."""
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise UsageError(f'invalid argument "{text}" for "{flag}" flag: use true or false')


def _print(text: str) -> None:
    from stsctl.render.console import stdout

    stdout().write(text)
    stdout().flush()


@rollout_app.command(PARTITION_COMMAND, hidden=True, cls=PartitionCommand)
def partition_rollout(
    target: Target,
    partition: Annotated[
        int | None,
        typer.Option(
            "--partition",
            help="Pods with an ordinal at or above N get the new template; the others keep theirs.",
        ),
    ] = None,
    image: Annotated[
        list[str] | None,
        typer.Option(
            "--image",
            metavar="CONTAINER=IMAGE",
            help="Set a container's image in the same change (repeatable; *=IMAGE: all).",
        ),
    ] = None,
    watch: Annotated[
        bool | None,
        typer.Option(
            "--watch/--no-watch",
            "-w",
            help="Follow until done (default: on a terminal; --watch also off a terminal).",
        ),
    ] = None,
    timeout: Timeout = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Set the partition (and images) of a StatefulSet in one change and follow the rollout.

    Prints `statefulset.apps/web patched`, then follows until every pod at or above the partition runs the new revision and is Ready (live table on a terminal, status lines with --watch elsewhere). Exit codes: 0 done, 1 error or timeout, 2 usage error, 130 interrupted.
    """
    from stsctl.cli.common import connected, follow_statefulset, namespace_for
    from stsctl.ops.follow import rollout_done
    from stsctl.ops.rollout import parse_images, set_partition
    from stsctl.ops.scale import statefulset_name
    from stsctl.render.console import is_interactive, out

    name = statefulset_name(target, verb="roll out")
    images = parse_images(image or [])
    seconds = _timeout(timeout)
    following = watch if watch is not None else (seconds is not None or is_interactive(out()))
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        changed = set_partition(cluster, name, ns, partition=partition, images=images)
        _print(changed.line() + "\n")
        if following:
            title = f"rollout statefulset.apps/{name}" + (
                f" --partition {partition}" if partition is not None else ""
            )
            follow_statefulset(cluster, ns, name, done=rollout_done, timeout=seconds, title=title)


@rollout_app.command("status")
def status(
    target: Target,
    watch: Annotated[
        str,
        typer.Option(
            "--watch",
            "-w",
            metavar="true|false",
            help="Keep following until done (default true); --watch=false prints once.",
        ),
    ] = "true",
    timeout: Timeout = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Follow a rollout until it is done, with kubectl's messages.

    Off a terminal: one line per change (`Waiting for 2 pods to be ready...`, ..., `partitioned roll out complete: 3 new pods have been updated...`) plus a `waiting:` line when something blocks it; on a terminal the live table. Only for RollingUpdate sets, as in kubectl. Exit codes: 0 done, 1 error or timeout, 2 usage error, 130 interrupted.
    """
    from stsctl.cli.common import connected, follow_statefulset, namespace_for
    from stsctl.ops.follow import gather
    from stsctl.ops.rollout import check_status_available, status_done
    from stsctl.ops.scale import statefulset_name
    from stsctl.render.console import is_interactive, out
    from stsctl.render.live import status_line

    name = statefulset_name(target, verb="watch")
    following = _go_bool("watch", watch)
    seconds = _timeout(timeout)
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        check_status_available(cluster, name, ns)
        if not following:
            _print(status_line(gather(cluster, ns, name)) + "\n")
            return
        live = is_interactive(out())
        last = follow_statefulset(
            cluster,
            ns,
            name,
            done=status_done,
            timeout=seconds,
            title=f"rollout status statefulset.apps/{name}",
        )
        if live:
            _print(status_line(last) + "\n")


@rollout_app.command("history")
def history(
    target: Target,
    revision: Annotated[
        int, typer.Option("--revision", help="Show this revision's pod template.")
    ] = 0,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """List the revisions of a StatefulSet (REVISION, CHANGE-CAUSE), or show one's pod template."""
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.rollout import history as rollout_history
    from stsctl.ops.rollout import label
    from stsctl.ops.scale import statefulset_name
    from stsctl.render.rollout import history_text

    name = statefulset_name(target, verb="show the history of")
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        found = rollout_history(cluster, name, ns, revision=revision)
    _print(history_text(label(name), found.rows, revision=found.revision, template=found.template))


@rollout_app.command("undo")
def undo(
    target: Target,
    to_revision: Annotated[
        int, typer.Option("--to-revision", help="The revision to restore; 0 = the previous one.")
    ] = 0,
    dry_run: Annotated[
        str | None, typer.Option("--dry-run", help='"none", "client" or "server".')
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Restore the pod template of an earlier revision (replicas and claims are left alone).

    Under OrderedReady a pod stuck on a broken template is not replaced by an undo alone: delete it afterwards (the live view of `stsctl rollout status` says so).
    """
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.apply import DRY_RUN_SUFFIX, check_dry_run
    from stsctl.ops.rollout import label
    from stsctl.ops.rollout import undo as rollout_undo
    from stsctl.ops.scale import statefulset_name
    from stsctl.render.rollout import undo_dry_run_text

    name = statefulset_name(target, verb="roll back")
    mode = check_dry_run(dry_run)
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        result = rollout_undo(cluster, name, ns, to_revision=to_revision, dry_run=mode)
    if mode == "client":
        _print(undo_dry_run_text(label(name), result.template, DRY_RUN_SUFFIX[mode]))
    else:
        _print(result.line() + "\n")


@rollout_app.command("restart")
def restart(
    targets: Annotated[list[str], typer.Argument(metavar="NAME", help="One or more StatefulSets.")],
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Replace every pod, in the usual order, by stamping a restartedAt annotation on the template."""
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.rollout import restart as rollout_restart
    from stsctl.ops.scale import statefulset_names

    names = statefulset_names(targets, verb="restart")
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        for changed in rollout_restart(cluster, names, ns):
            _print(changed.line() + "\n")


@rollout_app.command("pause")
def pause(
    target: Target,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Hold every pod at its revision (partition = replicas); `resume` restores the partition."""
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.rollout import pause as rollout_pause
    from stsctl.ops.scale import statefulset_name

    name = statefulset_name(target, verb="pause")
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        _print(rollout_pause(cluster, name, ns).line() + "\n")


@rollout_app.command("resume")
def resume(
    target: Target,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Put back the partition `rollout pause` replaced, letting the rollout continue."""
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.rollout import resume as rollout_resume
    from stsctl.ops.scale import statefulset_name

    name = statefulset_name(target, verb="resume")
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        _print(rollout_resume(cluster, name, ns).line() + "\n")
