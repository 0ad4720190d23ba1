"""`stsctl wait NAME --for=CONDITION`: block until StatefulSets (or pods, or any object) reach a
condition, with kubectl's timeout rules and lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app

if TYPE_CHECKING:
    from stsctl.ops.wait import Check, Condition

HELP = """Wait until objects reach a condition; prints `statefulset.apps/web condition met` for
each.

Targets: NAME (a StatefulSet), sts/NAME, KIND/NAME (pod/web-0), or KIND NAME....
Conditions (--for):

  ready       a StatefulSet has spec.replicas pods, all Ready, none left over; a pod is Ready
  updated     a StatefulSet's rollout is complete (every pod at or above the partition on the
              update revision and Ready)
  deleted     the object is gone (already gone: nothing to wait for)
  condition=Ready[=false]                       a status condition (pods have them)
  jsonpath='{.status.readyReplicas}'=3          a field's value (no value: the field exists)

--timeout is 30s by default; 0 looks once; a negative value waits a week. On the local cluster
simulated time moves on while waiting.

Examples:

  stsctl wait web --for=ready --timeout=2m

  stsctl wait pod/web-0 --for=condition=Ready

  stsctl wait sts/web --for=jsonpath='{.status.updatedReplicas}'=3

Exit codes: 0 every condition met, 1 timed out (`error: timed out waiting for the condition on
statefulsets/web`) or an object is missing, 2 usage error, 130 interrupted.
"""


def _timeout(text: str) -> float:
    from stsctl.backends.local.simclock import parse_duration

    value = text.strip()
    if value.startswith("-"):
        return -parse_duration(value[1:])
    return parse_duration(value)


def _jsonpath_check(condition: Condition) -> Check:
    from stsctl.errors import UsageError
    from stsctl.ops.wait import jsonpath_check
    from stsctl.render.outputs import JSONPathError, find_results, parse_jsonpath, relaxed_jsonpath

    template = relaxed_jsonpath(condition.expression)
    try:
        parse_jsonpath(template)
    except JSONPathError as e:
        raise UsageError(f"error parsing jsonpath {template}, {e}") from e
    return jsonpath_check(lambda obj: find_results(template, obj), condition.value)


@app.command(help=HELP)
def wait(
    targets: Annotated[
        list[str] | None,
        typer.Argument(metavar="NAME | KIND/NAME | KIND NAME...", help="What to wait for."),
    ] = None,
    for_: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="ready, updated, deleted, condition=NAME[=VALUE] or jsonpath='{...}'[=VALUE].",
        ),
    ] = None,
    timeout: Annotated[
        str,
        typer.Option(
            "--timeout", help="Give up after this long: 30s (default); 0 looks once; -1s a week."
        ),
    ] = "30s",
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.wait import Met, parse_condition, parse_targets, wait_for
    from stsctl.render.console import stdout

    condition = parse_condition(for_)
    wanted = parse_targets(targets or [])
    seconds = _timeout(timeout)
    check = _jsonpath_check(condition) if condition.type == "jsonpath" else None

    def print_met(met: Met) -> None:
        stdout().write(met.line() + "\n")
        stdout().flush()

    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        wait_for(
            cluster, wanted, condition, namespace=ns, timeout=seconds, check=check, on_met=print_met
        )
