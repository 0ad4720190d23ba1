"""Which cluster, as kubectl decides it: kubeconfig files, context, namespace, in-cluster.

`resolve` picks the kubeconfig files (`--kubeconfig`, else every existing file of the
`$KUBECONFIG` list, merged with the first file winning, else `~/.kube/config`), the context
(`--context`, else the first `current-context` set) and its namespace (the client does not apply
it: it is read here), or in-cluster configuration when there is no kubeconfig and
`KUBERNETES_SERVICE_HOST` is set. `new_api_client` then builds a `kubernetes` ApiClient for the
target with no global state (never `load_kube_config()`), and lists the secrets it holds so error
messages can be scrubbed of them.
"""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stsctl.backends.kube.errors import Endpoint, scrub, translate
from stsctl.errors import StsctlError

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

DEFAULT_KUBECONFIG = "~/.kube/config"
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
NO_CONFIGURATION_HINT = (
    "Point stsctl at a cluster with --kubeconfig FILE, $KUBECONFIG or ~/.kube/config "
    "(or use the built-in cluster: --backend local)."
)
# kubeconfig user fields whose values are credentials (auth-provider configs included); keys
# naming a file (tokenFile) hold a path, not the credential.
_SECRET_KEYS = ("token", "password", "secret", "key-data")


@dataclass(frozen=True)
class Target:
    """The cluster requests go to: a context of the merged kubeconfig files, or in-cluster."""

    paths: tuple[str, ...]
    context: str | None
    namespace: str
    in_cluster: bool = False
    server: str = ""


def kubeconfig_paths(explicit: str | None, environ: Mapping[str, str]) -> tuple[str, ...]:
    """The kubeconfig files to merge, in precedence order (kubectl's loading rules)."""
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.exists(path):
            raise StsctlError(f"stat {explicit}: no such file or directory")
        return (path,)
    listed = environ.get("KUBECONFIG", "")
    if listed:
        found: list[str] = []
        for entry in listed.split(os.pathsep):
            path = os.path.expanduser(entry)
            # kubectl skips missing files in the list, and so do we (and empty ones: no content).
            if entry and path not in found and os.path.isfile(path) and os.path.getsize(path):
                found.append(path)
        return tuple(found)
    default = os.path.expanduser(DEFAULT_KUBECONFIG)
    return (default,) if os.path.isfile(default) and os.path.getsize(default) else ()


def require_client() -> None:
    """Import the `kubernetes` package, or say how to install it."""
    try:
        import kubernetes  # noqa: F401
    except ImportError:
        raise StsctlError(
            "the kube backend needs the kubernetes package",
            hint="Install it with: pip install 'kubernetes>=35,<36'",
        ) from None


def _merged(paths: tuple[str, ...]) -> Any:
    """The client's KubeConfigMerger over `paths` (first file wins for each named entry)."""
    require_client()
    from kubernetes.config.kube_config import KubeConfigMerger

    try:
        return KubeConfigMerger(os.pathsep.join(paths))
    except Exception as e:  # ConfigException, OSError, yaml's errors
        shown = ", ".join(f'"{p}"' for p in paths)
        raise StsctlError(f"error loading config file {shown}: {scrub(str(e))}") from None


def _entries(merger: Any, section: str) -> Iterator[Mapping[str, Any]]:
    for entry in (merger.config.value.get(section) or []) if merger.config is not None else []:
        value = getattr(entry, "value", entry)
        if isinstance(value, Mapping):
            yield value


def _named(merger: Any, section: str, name: str) -> Mapping[str, Any] | None:
    return next((e for e in _entries(merger, section) if e.get("name") == name), None)


def _current_context(merger: Any) -> str:
    # kubectl: the first file that sets current-context wins (the client's merger keeps the last).
    for path in merger.paths:
        config = merger.config_files.get(path) or {}
        if config.get("current-context"):
            return str(config["current-context"])
    return ""


def _in_cluster_namespace() -> str:
    try:
        with open(os.path.join(SERVICE_ACCOUNT_DIR, "namespace"), encoding="utf-8") as f:
            return f.read().strip() or "default"
    except OSError:
        return "default"


def resolve(
    kubeconfig: str | None = None,
    context: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Target:
    """The target for `--kubeconfig`/`--context` (kubectl's rules; see the module docstring).

    Raises StsctlError with kubectl's texts: `context "x" does not exist`,
    `stat FILE: no such file or directory`, `current-context is not set`."""
    env = os.environ if environ is None else environ
    paths = kubeconfig_paths(kubeconfig, env)
    if not paths:
        if context:
            raise StsctlError(f'context "{context}" does not exist')
        if env.get("KUBERNETES_SERVICE_HOST"):
            host = env["KUBERNETES_SERVICE_HOST"]
            port = env.get("KUBERNETES_SERVICE_PORT", "443")
            server = f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"
            return Target((), None, _in_cluster_namespace(), in_cluster=True, server=server)
        raise StsctlError(
            "invalid configuration: no configuration has been provided", hint=NO_CONFIGURATION_HINT
        )
    merger = _merged(paths)
    name = context or _current_context(merger)
    if not name:
        known = ", ".join(str(e.get("name")) for e in _entries(merger, "contexts"))
        raise StsctlError(
            "current-context is not set",
            hint=f"Choose one with --context NAME (contexts: {known or 'none'}).",
        )
    entry = _named(merger, "contexts", name)
    if entry is None:
        raise StsctlError(f'context "{name}" does not exist')
    settings = entry.get("context") or {}
    cluster_name = str(settings.get("cluster") or "")
    cluster = _named(merger, "clusters", cluster_name)
    server = str(((cluster or {}).get("cluster") or {}).get("server") or "")
    if not server:
        raise StsctlError(f'invalid configuration: no server found for cluster "{cluster_name}"')
    namespace = str(settings.get("namespace") or "default")
    return Target(paths, name, namespace, server=server.rstrip("/"))


# --- Credentials ---------------------------------------------------------------------------


def _secret_values(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield from _secret_values(v, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _secret_values(item, key)
    elif (
        isinstance(node, str)
        and any(s in key.lower() for s in _SECRET_KEYS)
        and not key.lower().endswith("file")
    ):
        yield node
        if key.endswith("-data"):
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                yield from base64.b64decode(node, validate=False).decode("utf-8").split("\n")


def _user_secrets(merger: Any, target: Target) -> list[str]:
    context = _named(merger, "contexts", target.context or "") or {}
    user_name = str((context.get("context") or {}).get("user") or "")
    user = _named(merger, "users", user_name) or {}
    return [s.strip() for s in _secret_values(user.get("user") or {}) if len(s.strip()) >= 8]


def _configuration_secrets(configuration: Any) -> list[str]:
    found: list[str] = []
    for value in (getattr(configuration, "api_key", None) or {}).values():
        if isinstance(value, str) and value:
            found.append(value)
            found.append(value.split(" ", 1)[-1])  # the token without its "Bearer " prefix
    password = getattr(configuration, "password", None)
    if isinstance(password, str) and password:
        found.append(password)
    return found


def _no_proxy_for(server: str, environ: Mapping[str, str]) -> str | None:
    # Configuration() reads NO_PROXY and then resets it; kubectl (Go's ProxyFromEnvironment)
    # also never proxies loopback addresses.
    from urllib.parse import urlsplit

    host = urlsplit(server).hostname or ""
    listed = environ.get("NO_PROXY") or environ.get("no_proxy") or ""
    if host in ("localhost", "127.0.0.1", "::1") or host.startswith("127."):
        return ",".join(x for x in (listed, host) if x)
    return listed or None


def new_api_client(
    target: Target, environ: Mapping[str, str] | None = None
) -> tuple[ApiClient, Endpoint]:
    """A `kubernetes` ApiClient for `target` (no global configuration is read or written) and
    the Endpoint (server URL, secrets to scrub) error translation needs."""
    require_client()
    from kubernetes.client import ApiClient, Configuration
    from kubernetes.config.incluster_config import InClusterConfigLoader
    from kubernetes.config.kube_config import KubeConfigLoader
    from urllib3 import Retry

    env = os.environ if environ is None else environ
    configuration = Configuration()
    secrets: list[str] = []
    try:
        if target.in_cluster:
            InClusterConfigLoader(
                token_filename=os.path.join(SERVICE_ACCOUNT_DIR, "token"),
                cert_filename=os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"),
                environ=env,
            ).load_and_set(configuration)
        else:
            merger = _merged(target.paths)
            secrets += _user_secrets(merger, target)
            KubeConfigLoader(
                config_dict=merger.config,
                active_context=target.context,
                config_base_path=None,
            ).load_and_set(configuration)
    except StsctlError:
        raise
    except OSError as e:  # a file the kubeconfig names (a token, a certificate) cannot be read
        reason = (e.strerror or str(e)).lower()
        raise StsctlError(scrub(f"open {e.filename}: {reason}", secrets)) from None
    except Exception as e:  # ConfigException, exec plugin failures
        raise translate(e, Endpoint(target.server, tuple(secrets))) from None
    secrets += _configuration_secrets(configuration)
    configuration.no_proxy = _no_proxy_for(configuration.host, env)
    # kubectl does not retry a refused connection; a stale pooled one is retried once (GETs).
    configuration.retries = Retry(total=2, connect=0, read=1, redirect=0, status=0, other=0)
    # Enough pooled connections for one watch per kind plus requests alongside them.
    configuration.connection_pool_maxsize = max(configuration.connection_pool_maxsize or 0, 32)
    client = ApiClient(configuration=configuration)
    from stsctl import __version__

    client.user_agent = f"stsctl/{__version__}"
    return client, Endpoint(configuration.host, tuple(dict.fromkeys(secrets)))
