"""The local cluster's SQLite store: where it lives, its tables, and its transactions.

Location: `$STSCTL_HOME/cluster.db`. `$STSCTL_HOME` defaults to `$XDG_DATA_HOME/stsctl` when
`XDG_DATA_HOME` is set, else `~/.local/share/stsctl`.

Tables:
- `meta(key, value)`: the global resourceVersion counter (one monotonic counter for every object
  and event), the uid counter and seed, the clock (mode, speed, simulated time, the real-mode
  anchors), `txn_seq` (bumped by every committed write, so a process can tell whether its cached
  working set is still current) and `changes_floor` (the resourceVersion up to which the change
  log was dropped).
- `objects(kind, namespace, name, uid, rv, body)`: every object except events, as JSON.
- `events(seq, namespace, name, agg_key, last_time, rv, body)`: v1 Events in the order they
  happened (`seq`), with the aggregation key the recorder looks repeats up by.
- `changes(rv, type, kind, namespace, name, body)`: the bounded change log watches read.
- `event_sources(key, idle_after, state)`: the event recorders' correlator memory per source
  and object (see `events.py`), dropped once `idle_after` has passed.

Checkpoints (copying the write-ahead log back into the database file: mostly writes and an
fsync) run in a short-lived background process, started after a commit once this connection has
written `CHECKPOINT_BYTES` since it last started one, so that a big command's commit does not wait
for them (SQLite's automatic checkpoint would run inside the commit; it stays on at a much
higher mark, as a backstop). The last connection to close still checkpoints what is left.

Bulk writes (rows of objects, events and the change log, and their deletions) go to a writer
thread that runs them on the same connection, in order, as multi-row statements (rows of objects
and events copied by SQLite from their change-log entries): SQLite does the work without the GIL,
so on a second core it overlaps with the simulation that produces the rows (a write of one
statement, with nothing queued, runs at once instead: a small command never starts the thread).
The thread needs the GIL between two statements; the engine offers it every few actions
(`let_writer_run`), as compiled simulation code never does by itself.
Any other use of the connection (a read, a commit) first waits for the writes queued before it,
and an error in a queued write is raised there; so, seen from the caller, the store behaves as
if every write had run at once.

Every command is one `BEGIN IMMEDIATE` transaction, so concurrent stsctl processes serialise.
A busy store is waited for (SQLite's busy timeout plus retries with backoff); "database is locked"
never reaches a user: after `LOCK_WAIT_SECONDS` a StsctlError says another process holds the
cluster. All writes happen inside the transaction, so a process killed at any point leaves the
last committed state (SQLite's atomic commit in WAL mode).
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from stsctl.backends.local.codec import loads
from stsctl.errors import StsctlError

SCHEMA_VERSION = "1"
DB_NAME = "cluster.db"
LOCK_WAIT_SECONDS = 120.0
CHANGE_LOG_LIMIT = 100_000
CHECKPOINT_BYTES = 16 << 20
ROWS_PER_STATEMENT = 500  # rows per multi-row statement the writer thread runs
WRITER_SWITCH_INTERVAL = 0.001  # seconds; see `_RowWriter._enqueue`
BACKSTOP_CHECKPOINT_PAGES = 16384  # 256 MB of 16 kB pages

# What the background checkpointer runs (`python -I -S -c`): a passive checkpoint never blocks
# readers or writers, and gives up at once if another checkpoint is running.
_CHECKPOINT_SCRIPT = """
import sqlite3, sys
try:
    conn = sqlite3.connect("file:" + sys.argv[1] + "?mode=rw", uri=True, timeout=1.0)
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    conn.close()
except sqlite3.Error:
    pass
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    uid TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, name TEXT NOT NULL,
    agg_key TEXT NOT NULL, last_time TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_name ON events (namespace, name);
CREATE INDEX IF NOT EXISTS events_by_key ON events (agg_key);
CREATE INDEX IF NOT EXISTS events_by_time ON events (last_time);
CREATE TABLE IF NOT EXISTS changes (
    rv INTEGER PRIMARY KEY, type TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL,
    name TEXT NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_sources (
    key TEXT PRIMARY KEY, idle_after INTEGER NOT NULL, state TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_sources_by_idle ON event_sources (idle_after);
"""

# Objects live in a rowid table with a unique index on their key: SQLite upserts rows of a few
# kB, rewritten at every write, a quarter cheaper there than in a WITHOUT ROWID table keyed by
# it, whose B-tree carries the whole rows. Stores made before have that layout and keep it (its
# primary key is the index already).
_OBJECTS_KEY_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS objects_by_key ON objects (kind, namespace, name)"
)

ObjectKey = tuple[str, str, str]  # kind, namespace ("" when cluster-scoped), name


def stsctl_home() -> Path:
    """The directory of the local cluster (`$STSCTL_HOME`, see the module docstring)."""
    home = os.environ.get("STSCTL_HOME")
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg).expanduser() / "stsctl"
    return Path.home() / ".local" / "share" / "stsctl"


def database_path(home: Path | None = None) -> Path:
    return (home or stsctl_home()) / DB_NAME


class _RowWriter:
    """A thread running a connection's bulk writes in the order they were queued (see the
    module docstring). Rows go in statements of up to `ROWS_PER_STATEMENT` rows each: one GIL
    hand-over per statement, not per row."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # (statement, its parameters) or (statement, rows whose values are its parameters)
        self._queue: deque[tuple[str, Sequence[Any], bool] | None] = deque()
        self._ready = threading.Condition()
        self._busy = 0  # statements queued or running
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._max_parameters = max(limit, 1)

    def submit(self, head: str, tail: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Queue `head VALUES (?, …), … tail` for `rows` (all of one width); a single statement
        runs at once, in the caller's thread, when nothing is queued (handing a small write
        to the thread and waiting for it would cost more than the write)."""
        width = len(rows[0])
        per_statement = max(1, min(ROWS_PER_STATEMENT, self._max_parameters // width))
        group = "(" + ",".join("?" * width) + ")"
        items = []
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = f"{head} VALUES {','.join([group] * len(chunk))}{tail}"
            items.append((sql, chunk, True))
        self._enqueue(items)

    def submit_statement(self, sql: str, parameters: Sequence[Any]) -> None:
        self._enqueue([(sql, parameters, False)])

    def _execute(self, item: tuple[str, Sequence[Any], bool]) -> None:
        sql, parameters, rows = item
        self._conn.execute(sql, tuple(chain.from_iterable(parameters)) if rows else parameters)

    def _enqueue(self, items: list[tuple[str, Sequence[Any], bool]]) -> None:
        if len(items) == 1 and not self._busy:  # the thread is idle: nothing can race
            self._execute(items[0])
            return
        with self._ready:
            if self._thread is None:
                # Between two statements the thread needs the GIL for a moment (to bind the
                # next rows); the simulation holds it, and gives it up only once per switch
                # interval. At the default 5 ms the writer fell behind a big scale-up and the
                # commit waited for the backlog; at 1 ms it keeps up.
                sys.setswitchinterval(min(sys.getswitchinterval(), WRITER_SWITCH_INTERVAL))
                self._thread = threading.Thread(
                    target=self._run, name="stsctl-store-writer", daemon=True
                )
                self._thread.start()
            self._queue.extend(items)
            self._busy += len(items)
            self._ready.notify_all()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                item = self._queue.popleft()
            if item is None:
                return
            try:
                if self._error is None:
                    self._execute(item)
            except BaseException as e:  # raised to the caller by `wait`
                self._error = e
            finally:
                with self._ready:
                    self._busy -= 1
                    self._ready.notify_all()

    def offer_gil(self) -> None:
        """Let the thread take the GIL for a moment if it has statements queued: between two
        statements it needs the GIL to bind the next rows, and compiled simulation code, unlike
        the interpreter, never hands it over by itself (`time.sleep(0)` does)."""
        if self._busy:
            time.sleep(0)

    def wait(self) -> None:
        """Return once every queued write has run; raise the first one's error, if any."""
        with self._ready:
            while self._busy:
                self._ready.wait()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def discard(self) -> None:
        """Drop the writes not yet started and wait for the running one; forget any error (a
        rollback follows)."""
        with self._ready:
            self._busy -= len(self._queue)
            self._queue.clear()
            while self._busy:
                self._ready.wait()
        self._error = None

    def stop(self) -> None:
        self.discard()
        with self._ready:
            if self._thread is not None:
                self._queue.append(None)
                self._ready.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


class StoreBusy(StsctlError):
    """Another stsctl process kept the cluster locked for too long."""


class StoreDamaged(StsctlError):
    """The cluster file is not a database SQLite can read (damaged, or some other file)."""


def _is_locked(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class Store:
    """One connection to the cluster database (and its writer thread). Not for use from several
    threads at once; one per process is enough."""

    def __init__(self, path: Path, *, lock_wait_seconds: float = LOCK_WAIT_SECONDS) -> None:
        self.path = path
        self.lock_wait_seconds = lock_wait_seconds
        self._written = 0  # bytes of rows written since the last background checkpoint
        self._checkpointer: subprocess.Popen[bytes] | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StsctlError(
                f"cannot create the local cluster's directory {path.parent}: {e.strerror or e}",
                hint="Set STSCTL_HOME to a directory you can write to.",
            ) from e
        try:
            self._conn = sqlite3.connect(
                str(path), timeout=5.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise self.unusable(e) from e
        self._writer = _RowWriter(self._conn)
        try:
            self._retrying(self._setup)
        except StsctlError:
            self._conn.close()
            raise

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection, once the writes queued so far have run (see the module docstring)."""
        self._writer.wait()
        return self._conn

    def _setup(self) -> None:
        self.conn.execute("PRAGMA busy_timeout = 5000")
        # Objects are a few kB of JSON: bigger pages keep each row on one page (only takes
        # effect when the database is created).
        self.conn.execute("PRAGMA page_size = 16384")
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() != "wal":
            raise sqlite3.OperationalError("database is locked")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_CHECKPOINT_PAGES}")
        with self._raw_transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            (objects,) = self.conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'objects'"
            ).fetchone()
            if "WITHOUT ROWID" not in str(objects).upper():
                self.conn.execute(_OBJECTS_KEY_INDEX)

    def let_writer_run(self) -> None:
        """Give the writer thread a moment if it has work queued (see `_RowWriter.offer_gil`):
        called by the engine between actions, so that the writes overlap the simulation instead
        of piling up for the commit to wait on."""
        self._writer.offer_gil()

    def close(self) -> None:
        self._writer.stop()
        self._conn.close()

    def _write_rows(
        self, head: str, tail: str, rows: Sequence[tuple[Any, ...]], *, bodies: bool = True
    ) -> None:
        """`head VALUES … tail` for `rows`, through the writer thread (`_RowWriter.submit`).
        `bodies`: the rows end with a body, whose bytes count towards the next checkpoint."""
        if bodies:
            self._written += sum(map(len, map(itemgetter(-1), rows)))
        self._writer.submit(head, tail, rows)

    def _checkpoint_in_background(self) -> None:
        """Start a checkpointer process unless the last one is still running."""
        running = self._checkpointer
        if running is not None and running.poll() is None:
            return
        try:
            self._checkpointer = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _CHECKPOINT_SCRIPT, str(self.path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C of the command does not stop it halfway
            )
        except OSError:
            self._checkpointer = None  # SQLite's automatic checkpoint will do it

    def unusable(self, error: sqlite3.Error) -> StsctlError:
        """The user's error for a store SQLite cannot work with (damaged, not a database,
        unwritable, disk full)."""
        path = self.path
        message = f"cannot use the local cluster at {path}: {error}"
        if isinstance(error, sqlite3.OperationalError) and not path.exists():
            return StsctlError(message, hint="Set STSCTL_HOME to a directory you can write to.")
        if isinstance(error, sqlite3.OperationalError):
            return StsctlError(
                message,
                hint=f"Check that {path} and its directory can be written and the disk has room.",
            )
        return StoreDamaged(
            message,
            hint="The file is damaged or is not an stsctl cluster. `stsctl sim reset` moves it "
            f"to {path.name}.broken and starts a fresh cluster.",
        )

    # --- Transactions ------------------------------------------------------------------------

    def _retrying(self, fn: Any) -> Any:
        deadline = time.monotonic() + self.lock_wait_seconds
        delay = 0.005
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as e:
                if not _is_locked(e):
                    raise self.unusable(e) from e
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        "another stsctl process holds the local cluster "
                        f"({self.path}); try again when it has finished",
                        hint="A long command (a watch, a big `sim advance`) may still be running; "
                        "the store is never left half-written.",
                    ) from e
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.25)
            except sqlite3.DatabaseError as e:
                raise self.unusable(e) from e

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    @contextmanager
    def _raw_transaction(self) -> Iterator[None]:
        self._retrying(self._begin)
        try:
            yield
            # A queued write that failed fails the transaction (never retried as a busy COMMIT).
            self._writer.wait()
        except BaseException:
            self._writer.discard()
            self._conn.execute("ROLLBACK")
            raise
        self._retrying(lambda: self._conn.execute("COMMIT"))
        if self._written >= CHECKPOINT_BYTES:
            self._written = 0
            self._checkpoint_in_background()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """`BEGIN IMMEDIATE` … `COMMIT`; rolled back if the block raises. A store SQLite cannot
        work with (a damaged file, a full disk) is the user's error, not an internal one."""
        try:
            with self._raw_transaction():
                yield
        except sqlite3.DatabaseError as e:
            raise self.unusable(e) from e

    # --- Meta ----------------------------------------------------------------------------------

    def read_meta(self) -> dict[str, str]:
        return {k: v for k, v in self.conn.execute("SELECT key, value FROM meta")}

    def write_meta(self, values: dict[str, str]) -> None:
        self.conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    # --- Objects -------------------------------------------------------------------------------

    def load_objects(self) -> Iterator[dict[str, Any]]:
        for (body,) in self.conn.execute("SELECT body FROM objects"):
            yield loads(body)

    def write_objects(self, rows: Sequence[tuple[str, str, str, str, int, str]]) -> None:
        """Upsert `(kind, namespace, name, uid, rv, body)` rows."""
        if rows:
            self._write_rows(
                "INSERT INTO objects (kind, namespace, name, uid, rv, body)",
                " ON CONFLICT (kind, namespace, name) DO UPDATE SET "
                "uid = excluded.uid, rv = excluded.rv, body = excluded.body",
                rows,
            )

    def copy_objects(self, rows: Sequence[tuple[int, str]]) -> None:
        """Upsert the objects of change-log entries written in this transaction, `(rv, uid)`:
        kind, namespace, name and body are the entry's, copied by SQLite (not bound again)."""
        if rows:
            self._write_rows(
                "INSERT INTO objects (kind, namespace, name, uid, rv, body) "
                "SELECT c.kind, c.namespace, c.name, v.column2, c.rv, c.body FROM (",
                ") AS v JOIN changes AS c ON c.rv = v.column1 WHERE true "
                "ON CONFLICT (kind, namespace, name) DO UPDATE SET "
                "uid = excluded.uid, rv = excluded.rv, body = excluded.body",
                rows,
                bodies=False,
            )

    def delete_objects(self, keys: Iterable[ObjectKey]) -> None:
        keys = list(keys)
        if keys:
            self._write_rows(
                "DELETE FROM objects WHERE (kind, namespace, name) IN (", ")", keys, bodies=False
            )

    def clear(self) -> None:
        """Drop everything (a fresh cluster follows)."""
        for table in ("meta", "objects", "events", "changes", "event_sources"):
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.execute("DELETE FROM sqlite_sequence WHERE name = 'events'")

    # --- Events --------------------------------------------------------------------------------

    def find_event(self, agg_key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT body FROM events WHERE agg_key = ? ORDER BY seq DESC LIMIT 1", (agg_key,)
        ).fetchone()
        return loads(row[0]) if row else None

    def event_keys(self) -> set[str]:
        return {k for (k,) in self.conn.execute("SELECT agg_key FROM events")}

    def get_event(self, namespace: str, name: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT body FROM events WHERE namespace = ? AND name = ?", (namespace, name)
        ).fetchone()
        return loads(row[0]) if row else None

    def event_exists(self, namespace: str, name: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM events WHERE namespace = ? AND name = ?", (namespace, name)
        ).fetchone()
        return row is not None

    def list_events(self, namespace: str | None) -> list[dict[str, Any]]:
        if namespace is None:
            cur = self.conn.execute("SELECT body FROM events ORDER BY seq")
        else:
            cur = self.conn.execute(
                "SELECT body FROM events WHERE namespace = ? ORDER BY seq", (namespace,)
            )
        return [loads(body) for (body,) in cur]

    def copy_events(self, rows: Sequence[tuple[int, str, str, int]]) -> None:
        """Upsert the events of change-log entries written in this transaction, `(rv, agg_key,
        last_time, position)`, in `position` order (a new event's seq follows it); namespace,
        name and body are the entry's, copied by SQLite (not bound again)."""
        if rows:
            self._write_rows(
                "INSERT INTO events (namespace, name, agg_key, last_time, rv, body) "
                "SELECT c.namespace, c.name, v.column2, v.column3, c.rv, c.body FROM (",
                ") AS v JOIN changes AS c ON c.rv = v.column1 WHERE true ORDER BY v.column4 "
                "ON CONFLICT (namespace, name) DO UPDATE SET "
                "agg_key = excluded.agg_key, last_time = excluded.last_time, "
                "rv = excluded.rv, body = excluded.body",
                rows,
                bodies=False,
            )

    def delete_events(self, keys: Iterable[tuple[str, str]]) -> None:
        keys = list(keys)
        if keys:
            self._write_rows(
                "DELETE FROM events WHERE (namespace, name) IN (", ")", keys, bodies=False
            )

    def expire_events(self, before: str) -> None:
        """Drop events last seen before `before` (the API server's event TTL); queued like the
        bulk writes."""
        self._writer.submit_statement("DELETE FROM events WHERE last_time < ?", (before,))

    def load_event_sources(self) -> dict[str, str]:
        """Every source's correlator memory, as JSON by key."""
        return {k: v for k, v in self.conn.execute("SELECT key, state FROM event_sources")}

    def write_event_sources(self, rows: Sequence[tuple[str, int, str]]) -> None:
        """Upsert `(key, idle_after, state)` rows."""
        if rows:
            self._write_rows(
                "INSERT INTO event_sources (key, idle_after, state)",
                " ON CONFLICT (key) DO UPDATE SET "
                "idle_after = excluded.idle_after, state = excluded.state",
                rows,
            )

    def delete_event_sources(self, keys: Sequence[str]) -> None:
        if keys:
            self._write_rows(
                "DELETE FROM event_sources WHERE key IN (",
                ")",
                [(k,) for k in keys],
                bodies=False,
            )

    def expire_event_sources(self, now: int) -> None:
        """Drop the memories that make no difference any more (queued like the bulk writes)."""
        self._writer.submit_statement("DELETE FROM event_sources WHERE idle_after < ?", (now,))

    # --- Change log ----------------------------------------------------------------------------

    def append_changes(self, rows: Sequence[tuple[int, str, str, str, str, str]]) -> None:
        if rows:
            self._write_rows(
                "INSERT OR REPLACE INTO changes (rv, type, kind, namespace, name, body)", "", rows
            )

    def trim_changes(self, keep: int = CHANGE_LOG_LIMIT) -> int | None:
        """Drop the entries more than `keep` resourceVersions older than the newest one (so at
        most `keep` remain), like etcd compacting by revision; the new floor when anything was
        dropped. Both queries use the primary key: the cost does not grow with the log."""
        row = self.conn.execute("SELECT max(rv) FROM changes").fetchone()
        if row is None or row[0] is None:
            return None
        floor = int(row[0]) - keep
        if floor <= 0:
            return None
        dropped = self.conn.execute("DELETE FROM changes WHERE rv <= ?", (floor,)).rowcount
        return floor if dropped > 0 else None

    def read_changes(
        self, after: int, kinds: Sequence[str], namespace: str | None, limit: int = 10_000
    ) -> list[tuple[int, str, dict[str, Any]]]:
        marks = ",".join("?" for _ in kinds)
        sql = f"SELECT rv, type, body FROM changes WHERE rv > ? AND kind IN ({marks})"
        args: list[Any] = [after, *kinds]
        if namespace is not None:
            # Cluster-scoped objects (namespace '') are not filtered by namespace, as in `list`.
            sql += " AND namespace IN (?, '')"
            args.append(namespace)
        sql += " ORDER BY rv LIMIT ?"
        args.append(limit)
        return [(int(rv), t, loads(body)) for rv, t, body in self.conn.execute(sql, args)]
