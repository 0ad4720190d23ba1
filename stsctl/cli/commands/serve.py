"""`stsctl serve`: serve the local cluster over the Kubernetes REST API until Ctrl-C.

Also the bridge between the server (in `backends`, which may not import `render`) and the
`kubectl get` columns of `render.tables`: `TablesRowPrinter` gives the server's Table responses
the same columns and cells `stsctl get` prints.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import UsageError

if TYPE_CHECKING:
    from stsctl.backends.serve import ServerHandle, TableColumn

DEFAULT_ADDRESS = "127.0.0.1"
# kube-apiserver's descriptions of the two columns every kind has.
_DESCRIPTIONS = {
    "Name": "Name must be unique within a namespace.",
    "Age": "CreationTimestamp is a timestamp representing the server time when this object was "
    "created.",
}


class TablesRowPrinter:
    """`backends.serve.RowPrinter` over `stsctl.render.tables` (the kubectl printers)."""

    def columns(self, kind: str) -> Sequence[TableColumn]:
        from stsctl.backends.serve import TableColumn
        from stsctl.render import tables

        printer = tables.PRINTERS.get(kind)
        if printer is None:
            return [TableColumn(h.title()) for h in tables.table_for(kind, [], _EPOCH).headers]
        return [
            TableColumn(
                c.name,
                c.priority,
                format="name" if c.name == "Name" else "",
                description=_DESCRIPTIONS.get(c.name, ""),
            )
            for c in printer.columns
        ]

    def cells(self, kind: str, obj: dict[str, Any], now: datetime) -> Sequence[Any]:
        from stsctl.render import tables

        printer = tables.PRINTERS.get(kind)
        if printer is None:
            return tables.table_for(kind, [obj], now).rows[0]
        return printer.cells(obj, now, True)


_EPOCH = datetime.fromtimestamp(0).astimezone()


def _read_token(token: str | None, token_file: str | None) -> str | None:
    if token is not None and token_file is not None:
        raise UsageError("--token and --token-file cannot be used together")
    if token_file is not None:
        try:
            token = Path(token_file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as e:
            raise UsageError(f"cannot read --token-file {token_file}: {e.strerror}") from None
        if not token:
            raise UsageError(f"--token-file {token_file} is empty")
    elif token is not None and not token.strip():
        raise UsageError("--token is empty")
    return token


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _announce(
    handle: ServerHandle,
    bind: str,
    secret: str | None,
    use_tls: bool,
    write_kubeconfig: str | None,
    namespace: str,
) -> None:
    from stsctl.backends.serve import is_loopback

    if secret and not use_tls:
        _say(
            "warning: kubectl sends a kubeconfig's token only over HTTPS; with --no-tls it "
            "gets 401 Unauthorized (other clients, e.g. curl or the Python client, work)"
        )
    if not is_loopback(bind):
        _say(
            f"warning: serving on {bind}, beyond this machine: anyone who can reach it can "
            "read and change the local cluster"
            + ("" if use_tls else " over plain HTTP")
            + ("" if secret else " (no --token set)")
        )
    mode, rate = handle.cluster.clock_mode()
    _say(
        f"Serving the local cluster ({handle.cluster.path}) at {handle.url} "
        f"(simulated clock: {mode}, speed {rate:g}). Press Ctrl-C to stop."
    )
    if write_kubeconfig:
        written = handle.write_kubeconfig(write_kubeconfig, namespace)
        _say(f"Wrote a kubeconfig to {written}: kubectl --kubeconfig {written} get statefulsets")
    else:
        sys.stdout.write(handle.kubeconfig(namespace))
        sys.stdout.flush()


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


@app.command()
def serve(
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Address to listen on. Default 127.0.0.1; anything that is not a loopback "
            "address serves beyond this machine (a warning is printed).",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", "-p", help="Port to listen on (0: a free port).", min=0)
    ] = 0,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Require this bearer token (401 Unauthorized without it)."),
    ] = None,
    token_file: Annotated[
        str | None, typer.Option("--token-file", help="Read the bearer token from this file.")
    ] = None,
    write_kubeconfig: Annotated[
        str | None,
        typer.Option(
            "--write-kubeconfig",
            help="Write a kubeconfig for the server to PATH (mode 0600) instead of printing it.",
        ),
    ] = None,
    tls: Annotated[
        bool | None,
        typer.Option(
            "--tls/--no-tls",
            help="Serve HTTPS with a self-signed certificate (made with openssl; the kubeconfig "
            "carries it). Default: on with a token, since kubectl sends tokens only over HTTPS.",
        ),
    ] = None,
    speed: Annotated[
        float | None,
        typer.Option(
            "--speed",
            help="Simulated seconds per real second while serving (default: the cluster's).",
        ),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "-n", "--namespace", help="Namespace of the kubeconfig's context (default: default)."
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every request on stderr.")
    ] = False,
    debug: options.Debug = False,
) -> None:
    """Serve the local cluster over the Kubernetes REST API, so kubectl and other clients can
    use it: `kubectl --kubeconfig FILE get sts`.

    Prints a kubeconfig (or writes it with --write-kubeconfig) and serves until Ctrl-C. The
    simulated clock runs in real time while serving (a manual clock is restored afterwards).
    Loopback only unless --address says otherwise. Plain HTTP, or HTTPS with --tls (the default
    with --token).
    """
    from stsctl.backends.serve import start_server

    bind = address if address is not None else DEFAULT_ADDRESS
    secret = _read_token(token, token_file)
    use_tls = tls if tls is not None else secret is not None
    # SIGTERM stops like Ctrl-C (the clock is given back); set before anything can be asked to stop.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        handle = start_server(
            None,
            bind,
            port,
            token=secret,
            speed=speed,
            printer=TablesRowPrinter(),
            allow_remote=address is not None,
            tls=use_tls,
            log=_say if verbose else None,
        )
        try:
            _announce(handle, bind, secret, use_tls, write_kubeconfig, namespace or "default")
            handle.wait()
        except KeyboardInterrupt:
            pass
        finally:
            handle.stop()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    _say("Stopped serving.")
