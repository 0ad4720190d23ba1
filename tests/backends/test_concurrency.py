"""Many stsctl processes on one store, and processes killed mid-write.

Concurrent commands serialise on the store (`BEGIN IMMEDIATE`): nothing written is lost and
nobody sees "database is locked". A process killed at any moment leaves the last committed state:
the store passes SQLite's integrity check, every row parses, the resourceVersion counter is at
least every row's, and a multi-object write is there entirely or not at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[2]


def configmap_yaml(name: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  owner: {name}\n"


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path / "home")
    subprocess.run(
        [sys.executable, "-m", "stsctl", "sim", "status"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    procs = []
    for i in range(16):
        manifest = tmp_path / f"cm-{i}.yaml"
        manifest.write_text(configmap_yaml(f"cm-{i}"))
        command = [sys.executable, "-m", "stsctl", "apply", "-f", str(manifest)]
        if i % 2:  # half of them also patch a shared object, one label each
            command = [sys.executable, "-c", _PATCHER, str(i), str(manifest)]
        procs.append(
            subprocess.Popen(
                command,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=ROOT,
                text=True,
            )
        )
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    conn = sqlite3.connect(tmp_path / "home" / "cluster.db")
    rows = conn.execute(
        "SELECT name, rv, body FROM objects WHERE kind = 'ConfigMap' ORDER BY rv"
    ).fetchall()
    names = {name for name, _, _ in rows}
    assert {f"cm-{i}" for i in range(16)} <= names
    versions = [rv for _, rv, _ in rows]
    assert len(set(versions)) == len(versions)
    shared = json.loads(next(body for name, _, body in rows if name == "shared"))
    assert sorted(shared["metadata"]["labels"]) == sorted(f"p{i}" for i in range(1, 16, 2))


_PATCHER = """
import sys
from stsctl.backends.local import LocalBackend
from stsctl.errors import AlreadyExistsError
from stsctl.ops.apply import apply_paths
index, manifest = sys.argv[1], sys.argv[2]
cluster = LocalBackend()
apply_paths(cluster, [manifest])
try:
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}})
except AlreadyExistsError:
    pass
cluster.patch("ConfigMap", "shared", "default", {"metadata": {"labels": {"p" + index: "yes"}}})
"""

_WRITER = """
import sys
from stsctl.backends.local import LocalBackend
cluster = LocalBackend()
batch = int(sys.argv[1])
while True:
    batch += 1
    with cluster.batch():
        for i in range(200):
            obj = {"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": f"cm-{i}", "labels": {"batch": str(batch)}},
                   "data": {"payload": "x" * 200, "batch": str(batch)}}
            try:
                cluster.replace(obj)
            except Exception:
                cluster.create(obj)
    print(batch, flush=True)
"""


def check_store(db: Path) -> set[str]:
    """Assert the invariants of a store; the batch labels found."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        if "meta" not in tables:
            # Killed after the file was made but before its tables were: nothing committed (the
            # next command makes them).
            assert not tables & {"objects", "events", "changes"}
            return set()
        row = conn.execute("SELECT value FROM meta WHERE key = 'resource_version'").fetchone()
        if row is None:
            # Killed before the first transaction committed: an empty store, bootstrapped by
            # the next command.
            assert conn.execute("SELECT COUNT(*) FROM objects").fetchone() == (0,)
            return set()
        counter = int(row[0])
        batches: set[str] = set()
        count = 0
        for kind, rv, body in conn.execute("SELECT kind, rv, body FROM objects"):
            obj = json.loads(body)
            assert rv <= counter
            assert int(obj["metadata"]["resourceVersion"]) == rv
            if kind == "ConfigMap":
                batches.add(obj["data"]["batch"])
                count += 1
        for (rv,) in conn.execute("SELECT rv FROM changes"):
            assert rv <= counter
        assert count in (0, 200)
        return batches
    finally:
        conn.close()


def test_killing_writers_at_random_moments_leaves_a_consistent_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = subprocess_env(home)
    rng = random.Random(7)
    committed = 0
    for attempt in range(50):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(attempt * 1000)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Let the writer run for a random moment (it never exits by itself), then kill it:
        # from its start (in start-up, bootstrap or its first batch), or, every other time,
        # from its first committed batch (mid-batch on a machine of any speed).
        assert writer.stdout is not None
        if attempt % 2 and not writer.stdout.readline():
            writer.wait()
            pytest.fail(
                f"the writer died: {writer.stderr.read().decode() if writer.stderr else ''}"
            )
        with contextlib.suppress(subprocess.TimeoutExpired):
            writer.wait(timeout=rng.uniform(0.05, 0.4))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        if (home / "cluster.db").exists():
            batches = check_store(home / "cluster.db")
            assert len(batches) <= 1, f"a half-applied batch: {sorted(batches)}"
            committed += bool(batches)
    assert committed > 0  # the writers did get batches in between the kills
