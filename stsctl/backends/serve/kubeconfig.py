"""The kubeconfig that points kubectl (or any client) at a served local cluster.

One cluster, one user and one context, all named `stsctl`; the user carries the bearer token
when the server has one, the cluster the server's certificate when it speaks TLS. The text is YAML written by hand (every scalar JSON-quoted, which YAML
reads as a double-quoted string), so this package needs no YAML library; files are written
atomically and readable by their owner only, because they may hold the token.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

Obj = dict[str, Any]
NAME = "stsctl"


def client_host(address: str) -> str:
    """The host a client on this machine dials for a server bound to `address`."""
    if address in ("", "0.0.0.0"):
        return "127.0.0.1"
    if address == "::":
        return "[::1]"
    return f"[{address}]" if ":" in address else address


def kubeconfig(
    server: str,
    *,
    token: str | None = None,
    namespace: str = "default",
    certificate_authority_data: str | None = None,
) -> Obj:
    """The kubeconfig as a dict (the shape `kubectl config view -o json --raw` prints)."""
    user: Obj = {"token": token} if token else {}
    cluster: Obj = {"server": server}
    if certificate_authority_data:
        cluster["certificate-authority-data"] = certificate_authority_data
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": NAME, "cluster": cluster}],
        "users": [{"name": NAME, "user": user}],
        "contexts": [
            {"name": NAME, "context": {"cluster": NAME, "user": NAME, "namespace": namespace}}
        ],
        "current-context": NAME,
        "preferences": {},
    }


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def kubeconfig_yaml(
    server: str,
    *,
    token: str | None = None,
    namespace: str = "default",
    certificate_authority_data: str | None = None,
) -> str:
    """The same kubeconfig as YAML text."""
    user = f"\n    token: {_q(token)}" if token else " {}"
    authority = (
        f"    certificate-authority-data: {_q(certificate_authority_data)}\n"
        if certificate_authority_data
        else ""
    )
    return (
        "apiVersion: v1\n"
        "kind: Config\n"
        "clusters:\n"
        f"- name: {NAME}\n"
        "  cluster:\n"
        f"{authority}"
        f"    server: {_q(server)}\n"
        "users:\n"
        f"- name: {NAME}\n"
        f"  user:{user}\n"
        "contexts:\n"
        f"- name: {NAME}\n"
        "  context:\n"
        f"    cluster: {NAME}\n"
        f"    user: {NAME}\n"
        f"    namespace: {_q(namespace)}\n"
        f"current-context: {NAME}\n"
        "preferences: {}\n"
    )


def write_kubeconfig(path: Path, text: str) -> Path:
    """Write `text` to `path` atomically, mode 0600; the path written."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kubeconfig-", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
