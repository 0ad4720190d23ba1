"""Options shared by every command.

kubectl accepts its global flags after the verb (`stsctl scale web -n prod`); typer only parses
callback options before the subcommand, so each command declares these aliases itself.
"""

from __future__ import annotations

from typing import Annotated

import typer

GLOBAL = "Global flags"

Namespace = Annotated[
    str | None,
    typer.Option("-n", "--namespace", help="Namespace of the request.", rich_help_panel=GLOBAL),
]
AllNamespaces = Annotated[
    bool,
    typer.Option(
        "-A", "--all-namespaces", help="List across all namespaces.", rich_help_panel=GLOBAL
    ),
]
Selector = Annotated[
    str | None,
    typer.Option(
        "-l",
        "--selector",
        help="Label selector (key=value,key!=value,key in (a,b)).",
        rich_help_panel=GLOBAL,
    ),
]
Context = Annotated[
    str | None,
    typer.Option(
        "--context", help="Kubeconfig context (implies --backend kube).", rich_help_panel=GLOBAL
    ),
]
Kubeconfig = Annotated[
    str | None,
    typer.Option(
        "--kubeconfig",
        help="Path to a kubeconfig file (implies --backend kube).",
        rich_help_panel=GLOBAL,
    ),
]
Backend = Annotated[
    str | None,
    typer.Option(
        "--backend",
        envvar="STSCTL_BACKEND",
        help="local (the built-in simulated cluster, default) or kube (a real cluster).",
        rich_help_panel=GLOBAL,
    ),
]
Debug = Annotated[
    bool,
    typer.Option(
        "--debug", help="Show internal details and tracebacks of failures.", rich_help_panel=GLOBAL
    ),
]
Filenames = Annotated[
    list[str] | None,
    typer.Option(
        "-f", "--filename", help="File, directory or - (stdin) with manifests; repeatable."
    ),
]
Recursive = Annotated[
    bool, typer.Option("-R", "--recursive", help="Also read the directories under -f directories.")
]
