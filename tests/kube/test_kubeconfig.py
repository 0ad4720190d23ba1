"""Which cluster, context and namespace the kube backend picks: kubectl's kubeconfig rules."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest

from stsctl.backends.kube import KubeBackend
from stsctl.backends.kube.kubeconfig import Target, new_api_client, resolve
from stsctl.errors import StsctlError

TOKEN = "s3cr3t-token-value-0123456789"


def kubeconfig(
    path: Path,
    *,
    contexts: dict[str, str | None],
    current: str | None = None,
    server: str = "https://10.0.0.1:6443",
    token: str | None = None,
) -> Path:
    """A kubeconfig whose contexts (name → namespace) all use one cluster `c-<file>`."""
    cluster = f"c-{path.stem}"
    lines = ["apiVersion: v1", "kind: Config", "clusters:"]
    lines += [f"- name: {cluster}", "  cluster:", f"    server: {server}"]
    lines += ["users:", f"- name: u-{path.stem}", "  user:"]
    lines += [f"    token: {token}"] if token else ["    username: admin"]
    lines.append("contexts:")
    for name, namespace in contexts.items():
        lines += [
            f"- name: {name}",
            "  context:",
            f"    cluster: {cluster}",
            f"    user: u-{path.stem}",
        ]
        if namespace:
            lines.append(f"    namespace: {namespace}")
    if current:
        lines.append(f"current-context: {current}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    return tmp_path / "home"


def test_the_current_context_and_its_namespace_are_used(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": "team-a"}, current="dev")
    target = resolve(str(config), None, {})
    assert target == Target((str(config),), "dev", "team-a", server="https://10.0.0.1:6443")


def test_a_context_without_namespace_means_default(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": None}, current="dev")
    assert resolve(str(config), None, {}).namespace == "default"


def test_context_flag_overrides_the_current_context(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": "a", "prod": "b"}, current="dev")
    target = resolve(str(config), "prod", {})
    assert (target.context, target.namespace) == ("prod", "b")


def test_a_missing_context_is_reported_as_kubectl_does(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": None}, current="dev")
    with pytest.raises(StsctlError) as caught:
        resolve(str(config), "x", {})
    assert caught.value.render() == 'error: context "x" does not exist'


def test_a_current_context_that_names_nothing_is_a_missing_context(
    tmp_path: Path, home: Path
) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": None}, current="gone")
    with pytest.raises(StsctlError, match=r'^context "gone" does not exist$'):
        resolve(str(config), None, {})


def test_no_current_context_asks_for_one(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": None, "prod": None})
    with pytest.raises(StsctlError) as caught:
        resolve(str(config), None, {})
    assert caught.value.message == "current-context is not set"
    assert caught.value.hint == "Choose one with --context NAME (contexts: dev, prod)."


def test_a_missing_explicit_kubeconfig_is_reported_as_kubectl_does(home: Path) -> None:
    with pytest.raises(StsctlError) as caught:
        resolve("/nowhere/config", None, {})
    assert caught.value.render() == "error: stat /nowhere/config: no such file or directory"


def test_kubeconfig_lists_are_merged_with_the_first_file_winning(
    tmp_path: Path, home: Path
) -> None:
    first = kubeconfig(tmp_path / "first.yaml", contexts={"dev": "first-ns"}, current="dev")
    second = kubeconfig(
        tmp_path / "second.yaml", contexts={"dev": "second-ns", "prod": "p"}, current="prod"
    )
    listed = os.pathsep.join([str(first), str(tmp_path / "missing.yaml"), str(second)])
    target = resolve(None, None, {"KUBECONFIG": listed})
    assert target.paths == (str(first), str(second))
    # current-context and the "dev" entry both come from the first file.
    assert (target.context, target.namespace) == ("dev", "first-ns")
    # A context only the second file has is found in the merged config.
    assert resolve(None, "prod", {"KUBECONFIG": listed}).namespace == "p"


def test_explicit_kubeconfig_ignores_the_kubeconfig_variable(tmp_path: Path, home: Path) -> None:
    first = kubeconfig(tmp_path / "first.yaml", contexts={"dev": "from-env"}, current="dev")
    second = kubeconfig(tmp_path / "second.yaml", contexts={"dev": "explicit"}, current="dev")
    target = resolve(str(second), None, {"KUBECONFIG": str(first)})
    assert target.namespace == "explicit"


def test_the_default_kubeconfig_is_read_from_home(home: Path) -> None:
    (home / ".kube").mkdir(parents=True)
    kubeconfig(home / ".kube" / "config", contexts={"home": "h"}, current="home")
    assert resolve(None, None, {}).namespace == "h"


def test_in_cluster_configuration_is_used_without_a_kubeconfig(home: Path) -> None:
    target = resolve(
        None, None, {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    )
    assert target.in_cluster
    assert target.server == "https://10.96.0.1:443"
    assert target.namespace == "default"  # no service-account namespace file on this machine


def test_without_any_configuration_the_error_says_how_to_give_one(home: Path) -> None:
    with pytest.raises(StsctlError) as caught:
        resolve(None, None, {})
    assert caught.value.message == "invalid configuration: no configuration has been provided"
    assert caught.value.hint is not None and "--kubeconfig" in caught.value.hint


def test_a_context_flag_without_any_kubeconfig_is_a_missing_context(home: Path) -> None:
    with pytest.raises(StsctlError, match=r'^context "x" does not exist$'):
        resolve(None, "x", {"KUBERNETES_SERVICE_HOST": "10.96.0.1"})


def test_the_backend_namespace_flag_wins_over_the_context(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": "team-a"}, current="dev")
    assert KubeBackend(kubeconfig=str(config)).default_namespace() == "team-a"
    assert KubeBackend(kubeconfig=str(config), namespace="mine").default_namespace() == "mine"


def test_the_backend_reads_the_kubeconfig_variable_at_use_time(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": "late"}, current="dev")
    monkeypatch.setenv("KUBECONFIG", str(config))
    assert KubeBackend().default_namespace() == "late"


def test_the_api_client_gets_the_context_server_and_token(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(
        tmp_path / "a.yaml",
        contexts={"dev": None},
        current="dev",
        server="http://127.0.0.1:1/",
        token=TOKEN,
    )
    client, endpoint = new_api_client(resolve(str(config), None, {}), {})
    assert client.configuration.host == "http://127.0.0.1:1"
    assert client.configuration.api_key["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN in endpoint.secrets
    assert TOKEN not in repr(endpoint)
    assert client.user_agent.startswith("stsctl/")


def test_loopback_servers_are_never_reached_through_a_proxy(tmp_path: Path, home: Path) -> None:
    config = kubeconfig(
        tmp_path / "a.yaml", contexts={"dev": None}, current="dev", server="http://127.0.0.1:1"
    )
    client, _ = new_api_client(resolve(str(config), None, {}), {"NO_PROXY": "example.com"})
    assert client.configuration.no_proxy == "example.com,127.0.0.1"


def test_a_broken_kubeconfig_is_an_error_without_its_secrets(tmp_path: Path, home: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(f"clusters: [\n  token: Bearer {TOKEN}\n")
    with pytest.raises(StsctlError) as caught:
        resolve(str(config), None, {})
    assert caught.value.message.startswith(f'error loading config file "{config}": ')
    assert TOKEN not in caught.value.render()


def test_passwords_and_client_keys_are_known_secrets(tmp_path: Path, home: Path) -> None:
    key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKeyMaterialThatMustNotLeak\n-----END EC PRIVATE KEY-----\n"
    encoded = base64.b64encode(key.encode()).decode()
    token_file = tmp_path / "token"
    token_file.write_text("token-from-a-file-0123")
    config = tmp_path / "a.yaml"
    config.write_text(
        "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {username: admin, password: hunter2-hunter2,"
        f" client-key-data: '{encoded}', tokenFile: {token_file}}}}}]\n"
        "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
        "current-context: x\n"
    )
    _, endpoint = new_api_client(resolve(str(config), None, {}), {})
    assert "hunter2-hunter2" in endpoint.secrets
    assert encoded in endpoint.secrets
    assert "MHcCAQEEIKeyMaterialThatMustNotLeak" in endpoint.secrets
    assert str(token_file) not in endpoint.secrets  # a path, not a credential
    assert "token-from-a-file-0123" in endpoint.secrets


def test_an_unreadable_token_file_is_reported_as_a_file_error(tmp_path: Path, home: Path) -> None:
    config = tmp_path / "a.yaml"
    config.write_text(
        "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {tokenFile: /nowhere/token}}]\n"
        "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
        "current-context: x\n"
    )
    with pytest.raises(StsctlError) as caught:
        new_api_client(resolve(str(config), None, {}), {})
    assert caught.value.render() == "error: open /nowhere/token: no such file or directory"


def test_without_the_client_package_the_error_says_how_to_install_it(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = kubeconfig(tmp_path / "a.yaml", contexts={"dev": None}, current="dev")
    monkeypatch.setitem(sys.modules, "kubernetes", None)  # `import kubernetes` now fails
    with pytest.raises(StsctlError) as caught:
        resolve(str(config), None, {})
    assert caught.value.render() == "error: the kube backend needs the kubernetes package"
    assert caught.value.hint == "Install it with: pip install 'kubernetes>=35,<36'"
