"""`stsctl delete KIND NAME...`: start deleting objects; prints `statefulset.apps "web" deleted`."""

from __future__ import annotations

from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app


@app.command()
def delete(
    kind: Annotated[str, typer.Argument(help="Kind, or KIND/NAME.")],
    names: Annotated[list[str] | None, typer.Argument(help="Names of the objects.")] = None,
    cascade: Annotated[
        str,
        typer.Option(
            "--cascade", help="background (default), foreground or orphan (keep dependents)."
        ),
    ] = "background",
    grace_period: Annotated[
        int,
        typer.Option("--grace-period", help="Seconds a pod gets to stop; -1 uses the pod's own."),
    ] = -1,
    now: Annotated[bool, typer.Option("--now", help="Same as --grace-period=1.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --grace-period=0: remove at once.")
    ] = False,
    dry_run: Annotated[
        str | None, typer.Option("--dry-run", help='"none", "client" or "server".')
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Delete objects by name."""
    from stsctl.backends import make_backend
    from stsctl.ops.apply import DRY_RUN_SUFFIX, check_dry_run
    from stsctl.ops.delete import delete_objects
    from stsctl.render.console import err, out

    mode = check_dry_run(dry_run)
    grace = 1 if now else grace_period
    if force and grace == 0:
        err().file.write(
            "Warning: Immediate deletion does not wait for confirmation that the running resource "
            "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
        )
    cluster = make_backend(backend, context=context, kubeconfig=kubeconfig, namespace=namespace)
    try:
        deleted = (
            delete_objects(
                cluster,
                kind,
                names or [],
                namespace=namespace,
                cascade=cascade,
                grace_period_seconds=grace,
                dry_run=mode == "server",
            )
            if mode != "client"
            else []
        )
    finally:
        cluster.close()
    for item in deleted:
        out().file.write(item.line(force=force and grace == 0) + DRY_RUN_SUFFIX[mode] + "\n")
