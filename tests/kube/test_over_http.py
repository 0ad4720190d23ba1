"""The kube backend over real HTTP against `stsctl serve`: auth, exact JSON, errors, watches."""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.kube import KubeBackend
from stsctl.backends.local.namespaces import NamespaceController
from stsctl.backends.local.store import Store
from stsctl.errors import BackendUnavailable, NotFoundError, UnauthorizedError
from tests.kube.serving import TOKEN, Served, serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(tmp_path / "served", controllers=lambda: [NamespaceController()]) as s:
        yield s


def configmap(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}


def raw_get(served: Served, path: str) -> Any:
    request = urllib.request.Request(
        served.handle.url + path, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def watch_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("stsctl-watch-")]


def test_objects_are_exactly_the_json_the_server_sends(served: Served) -> None:
    backend = served.backend()
    backend.create(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "web"},
            "spec": {
                "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
                },
            },
        }
    )
    got = backend.get("StatefulSet", "web")
    assert got == raw_get(served, "/apis/apps/v1/namespaces/default/statefulsets/web")
    assert "podManagementPolicy" in got["spec"] and "creationTimestamp" in got["metadata"]
    backend.close()


def test_every_request_carries_the_kubeconfig_token(served: Served, tmp_path: Path) -> None:
    served.backend().create(configmap("a"))
    wrong = tmp_path / "wrong.kubeconfig"
    wrong.write_text(served.kubeconfig.read_text().replace(TOKEN, "not-the-token-at-all"))
    with pytest.raises(UnauthorizedError) as caught:
        KubeBackend(kubeconfig=str(wrong)).get("ConfigMap", "a")
    assert caught.value.render() == "error: You must be logged in to the server (Unauthorized)"
    assert "not-the-token-at-all" not in caught.value.render()


def test_a_stopped_server_is_a_refused_connection(tmp_path: Path) -> None:
    with serving(tmp_path / "served", controllers=list) as s:
        backend = s.backend()
        port = s.handle.port
    with pytest.raises(BackendUnavailable) as caught:
        backend.get("ConfigMap", "a")
    assert caught.value.render() == (
        f"The connection to the server 127.0.0.1:{port} was refused - "
        "did you specify the right host or port?"
    )


def test_stopping_a_watch_closes_its_streams_and_threads(served: Served) -> None:
    backend = served.backend()
    stream = backend.watch(["ConfigMap", "Pod"], "default", allow_bookmarks=True)
    assert next(iter(stream)).type == "BOOKMARK"  # nothing there yet: caught up at once
    assert sorted(watch_threads()) == ["stsctl-watch-configmaps", "stsctl-watch-pods"]
    stream.close()  # type: ignore[attr-defined]
    assert watch_threads() == []
    backend.close()


def test_a_watch_that_listed_itself_lists_again_after_410(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Store.trim_changes, "__defaults__", (2,))
    backend = served.backend()
    backend.create(configmap("old"))
    stream = iter(backend.watch(["ConfigMap"], "default", allow_bookmarks=True))
    first = [next(stream), next(stream)]
    assert [(e.type, e.object["metadata"].get("name")) for e in first] == [
        ("ADDED", "old"),
        ("BOOKMARK", None),
    ]
    # Five changes in one transaction: the log keeps two, the watch's position falls behind.
    with served.handle.cluster.session() as s:
        s.api.delete("ConfigMap", "default", "old")
        for name in ("a", "b", "c", "d"):
            s.api.create(configmap(name), namespace="default")
    changes: list[tuple[str, str]] = []
    for event in stream:
        if event.type == "BOOKMARK" and len(changes) == 5:
            break
        if event.type != "BOOKMARK":
            changes.append((event.type, event.object["metadata"]["name"]))
    stream.close()  # type: ignore[attr-defined]
    assert sorted(changes) == [
        ("ADDED", "a"),
        ("ADDED", "b"),
        ("ADDED", "c"),
        ("ADDED", "d"),
        ("DELETED", "old"),
    ]
    lists = [r for r in served.log.requests() if r == "GET /api/v1/namespaces/default/configmaps"]
    assert len(lists) == 2  # the first list and the one after 410
    backend.close()


def test_server_side_apply_is_sent_with_the_field_manager_and_force(served: Served) -> None:
    backend = served.backend()
    backend.patch("ConfigMap", "a", "default", configmap("a"), "apply", force=True)
    backend.patch("ConfigMap", "a", "default", {"data": {"k": "w"}}, "merge", dry_run=True)
    assert served.log.requests() == [
        "PATCH /api/v1/namespaces/default/configmaps/a?fieldManager=stsctl&fieldValidation=Strict&force=true",
        "PATCH /api/v1/namespaces/default/configmaps/a?fieldManager=stsctl&fieldValidation=Strict&dryRun=All",
    ]
    backend.close()


def test_update_retries_on_conflict(served: Served) -> None:
    backend = served.backend()
    backend.create(configmap("a"))
    calls = []

    def mutate(obj: dict[str, Any]) -> None:
        calls.append(obj["metadata"]["resourceVersion"])
        if len(calls) == 1:  # someone else writes between our read and our write
            backend.patch("ConfigMap", "a", None, {"data": {"other": "x"}})
        obj["data"]["k"] = "mine"

    updated = backend.update("ConfigMap", "a", None, mutate)
    assert updated["data"] == {"k": "mine", "other": "x"}
    assert len(calls) == 2 and calls[0] != calls[1]
    backend.close()


def test_debug_logging_of_every_library_never_shows_the_token(
    served: Served, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    backend = served.backend()
    backend.create(configmap("a"))
    # The client's Configuration() quiets urllib3 to WARNING; turn everything up afterwards.
    for name in ("", "urllib3", "client", "kubernetes"):
        caplog.set_level(logging.DEBUG, logger=name)
    with pytest.raises(NotFoundError):
        backend.get("ConfigMap", "missing")
    stream = backend.watch(["ConfigMap"], "default", allow_bookmarks=True, timeout_seconds=1)
    assert [e.type for e in stream][-1] == "BOOKMARK"
    backend.close()
    assert "GET /api/v1/namespaces/default/configmaps/missing" in caplog.text  # logging worked
    captured = capfd.readouterr()
    assert TOKEN not in caplog.text + captured.out + captured.err
    assert TOKEN not in repr(backend) and TOKEN not in repr(backend.transport)
