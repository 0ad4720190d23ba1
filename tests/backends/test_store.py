"""The SQLite store: location, transactions, the working set written back at commit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stsctl.backends.local import LocalBackend
from stsctl.backends.local import store as store_module
from stsctl.backends.local.store import Store, StoreBusy, database_path, stsctl_home
from stsctl.errors import StsctlError


def test_home_is_stsctl_home_then_xdg_data_home_then_local_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STSCTL_HOME", "/tmp/x")
    assert stsctl_home() == Path("/tmp/x")
    monkeypatch.delenv("STSCTL_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/data")
    assert database_path() == Path("/tmp/data/stsctl/cluster.db")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", "/home/u")
    assert stsctl_home() == Path("/home/u/.local/share/stsctl")


def test_objects_are_json_rows_with_their_resource_version(tmp_path: Path) -> None:
    cluster = LocalBackend(tmp_path, controllers=list)
    created = cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    conn = sqlite3.connect(tmp_path / "cluster.db")
    row = conn.execute(
        "SELECT uid, rv FROM objects WHERE kind = 'ConfigMap' AND name = 'a'"
    ).fetchone()
    assert row == (created["metadata"]["uid"], int(created["metadata"]["resourceVersion"]))
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    counter = conn.execute("SELECT value FROM meta WHERE key = 'resource_version'").fetchone()
    assert int(counter[0]) >= row[1]


def _indexes(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects'"
        ).fetchall()
        return sorted(name for (name,) in rows)
    finally:
        conn.close()


def test_a_store_of_the_earlier_objects_layout_keeps_it_and_gets_no_second_key_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cluster.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE objects (kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, "
        "uid TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL, "
        "PRIMARY KEY (kind, namespace, name)) WITHOUT ROWID"
    )
    conn.close()
    old = LocalBackend(tmp_path, controllers=list)
    old.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    old.patch("ConfigMap", "a", None, {"data": {"k": "v"}})
    assert _indexes(path) == []  # its primary key is the table itself
    assert LocalBackend(tmp_path, controllers=list).get("ConfigMap", "a")["data"] == {"k": "v"}
    fresh = tmp_path / "fresh"
    LocalBackend(fresh, controllers=list).create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}
    )
    assert _indexes(fresh / "cluster.db") == ["objects_by_key"]


def test_a_failing_transaction_writes_nothing(tmp_path: Path) -> None:
    cluster = LocalBackend(tmp_path, controllers=list)
    cluster.list("ConfigMap")
    with pytest.raises(RuntimeError), cluster.session() as s:
        s.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
        raise RuntimeError("crash")
    assert LocalBackend(tmp_path, controllers=list).list("ConfigMap")["items"] == []
    assert cluster.list("ConfigMap")["items"] == []


def test_another_process_sees_the_committed_state(tmp_path: Path) -> None:
    first = LocalBackend(tmp_path, controllers=list)
    second = LocalBackend(tmp_path, controllers=list)
    first.list("ConfigMap")
    second.list("ConfigMap")  # both now hold a cached working set
    first.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    assert [c["metadata"]["name"] for c in second.list("ConfigMap")["items"]] == ["a"]


def test_a_store_held_too_long_by_another_process_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cluster.db"
    store = Store(path, lock_wait_seconds=0.2)
    store.conn.execute("PRAGMA busy_timeout = 10")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy) as e, store.transaction():
            pass
        assert "another stsctl process holds the local cluster" in e.value.message
        assert "database is locked" not in e.value.message
    finally:
        holder.execute("ROLLBACK")


def test_a_big_commit_is_checkpointed_by_a_background_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "CHECKPOINT_BYTES", 10_000)
    store = Store(tmp_path / "cluster.db")
    rows = [("ConfigMap", "default", f"cm-{i}", f"uid-{i}", i, "x" * 500) for i in range(40)]
    with store.transaction():
        store.write_objects(rows[:10])  # 5 kB: under the mark, nothing started
    assert store._checkpointer is None
    assert (tmp_path / "cluster.db").stat().st_size < 40 * 500  # all in the log so far
    with store.transaction():
        store.write_objects(rows[10:])  # 15 kB more: a checkpointer starts after the commit
    checkpointer = store._checkpointer
    assert checkpointer is not None
    assert checkpointer.wait(timeout=30) == 0
    # The rows went from the log into the database file, by the other process (this connection,
    # still open, never checkpoints below its backstop).
    assert (tmp_path / "cluster.db").stat().st_size > 40 * 500
    other = sqlite3.connect(tmp_path / "cluster.db")
    assert other.execute("SELECT count(*) FROM objects").fetchone() == (40,)
    other.close()
    store.close()


def test_events_get_unique_uuid_shaped_uids_from_the_shared_counter(tmp_path: Path) -> None:
    import re

    from stsctl.backends.local.state import ClusterState, Meta

    state = ClusterState(Meta(uid_seed="seed-a"))
    pod_uid = state.new_uid()
    event_uids = [state.new_event_uid() for _ in range(3)]
    assert state.meta.uid_counter == 4  # one counter for both
    uuid_shape = re.compile(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    )
    assert all(uuid_shape.match(u) for u in [pod_uid, *event_uids])
    assert len({pod_uid, *event_uids}) == 4
    assert [u[-12:] for u in event_uids] == ["000000000002", "000000000003", "000000000004"]
    other = ClusterState(Meta(uid_seed="seed-b"))
    other.meta.uid_counter = 1
    assert other.new_event_uid() != event_uids[0]  # another cluster, another prefix


def test_a_big_transaction_freezes_what_it_made_and_a_small_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from stsctl.backends.local import backend as backend_module

    cluster = LocalBackend(tmp_path, controllers=list)
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    gc.unfreeze()
    try:
        gc.collect()
        cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})
        assert gc.get_freeze_count() == 0  # a small one: the collector sees it as usual
        monkeypatch.setattr(backend_module, "_FREEZE_AFTER_OBJECTS", 0)
        cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def _stored_rows(home: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(home / "cluster.db")
    try:
        return {
            "objects": conn.execute(
                "SELECT * FROM objects ORDER BY kind, namespace, name"
            ).fetchall(),
            "events": conn.execute("SELECT * FROM events ORDER BY seq").fetchall(),
            "changes": conn.execute("SELECT * FROM changes ORDER BY rv").fetchall(),
            "meta": conn.execute("SELECT * FROM meta ORDER BY key").fetchall(),
        }
    finally:
        conn.close()


def _scale_up(home: Path) -> None:
    cluster = LocalBackend(home, nodes=2, wall=lambda: 1_800_000_000.0)
    with cluster.batch():
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web"},
                "spec": {"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80}]},
            }
        )
        cluster.create(
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {"name": "web"},
                "spec": {
                    "serviceName": "web",
                    "replicas": 4,
                    "podManagementPolicy": "Parallel",
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
                    },
                },
            }
        )
    cluster.advance(30)
    cluster.close()


def test_a_transaction_written_while_it_runs_stores_what_one_commit_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stsctl.backends.local import backend as backend_module
    from stsctl.backends.local import engine as engine_module

    _scale_up(tmp_path / "at-commit")
    spills = []
    spill = backend_module._Persister.spill
    monkeypatch.setattr(backend_module._Persister, "spill", lambda p: spills.append(spill(p)))
    monkeypatch.setattr(engine_module, "SPILL_CHANGES", 1)  # between any two actions
    # one row per statement: every write of two rows or more goes to the writer thread
    monkeypatch.setattr(store_module, "ROWS_PER_STATEMENT", 1)
    _scale_up(tmp_path / "spilled")
    assert len(spills) > 10
    at_commit, spilled = _stored_rows(tmp_path / "at-commit"), _stored_rows(tmp_path / "spilled")
    assert len(at_commit["changes"]) > 40 and len(at_commit["events"]) > 20
    for table in ("objects", "events", "changes", "meta"):
        assert spilled[table] == at_commit[table], table


@pytest.mark.parametrize("queued", [True, False])
def test_a_write_that_fails_fails_its_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, queued: bool
) -> None:
    """Queued for the writer thread (several statements) or run at once (one statement, the
    thread idle): either way the error fails the transaction and nothing is kept."""
    if queued:
        monkeypatch.setattr(store_module, "ROWS_PER_STATEMENT", 1)
    store = Store(database_path(tmp_path))
    with pytest.raises(StsctlError, match="NOT NULL"), store.transaction():
        store.write_meta({"written": "yes"})
        store.append_changes([(1, "ADDED", "ConfigMap", "default", "a", "{}")])
        store.write_objects(
            [
                ("ConfigMap", "default", "a", None, 1, "{}"),  # type: ignore[list-item]
                ("ConfigMap", "default", "b", "u", 2, "{}"),
            ]
        )
    assert (store._writer._thread is not None) is queued  # the path this case is about
    assert store.read_meta() == {}
    assert store.read_changes(0, ["ConfigMap"], None) == []
    assert list(store.load_objects()) == []
    store.close()


def test_an_interrupted_transaction_drops_its_queued_writes_and_the_store_stays_usable(
    tmp_path: Path,
) -> None:
    store = Store(database_path(tmp_path))
    rows = [(rv, "ADDED", "ConfigMap", "default", f"c{rv}", "{}") for rv in range(1, 20_001)]
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.append_changes(rows)  # 40 statements queued for the writer thread
        raise KeyboardInterrupt
    assert store.read_changes(0, ["ConfigMap"], None) == []
    with store.transaction():
        store.append_changes(rows[:3])
    assert [rv for rv, _, _ in store.read_changes(0, ["ConfigMap"], None)] == [1, 2, 3]
    store.close()
