"""The cluster behind the HTTP server: one LocalBackend, one lock, simulated time kept moving.

The local backend is one SQLite connection and one cached working set, and every request is a
transaction that catches up to now; transactions serialise anyway (`BEGIN IMMEDIATE`), so the
server runs them one at a time under a lock. One shared backend keeps its working set cached
between requests; one backend per thread would reload the whole set after every other
thread's commit (each commit bumps `txn_seq`), which measured slower.

While serving, the cluster runs on the `real` clock: simulated time = wall time × speed. A
ticker thread opens a transaction when the next simulated transition is due (a pod becoming
Ready, a grace period ending), so watchers see pods start without anyone asking. Every commit
that moves the global resourceVersion wakes the watchers (`wait_for_change`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from stsctl.backends.local import LocalBackend
from stsctl.backends.local.backend import Session
from stsctl.errors import ApiError
from stsctl.sim.controller import Controller

# The ticker looks at the store at least this often, so writes by other stsctl processes on
# the same $STSCTL_HOME reach watchers too.
IDLE_TICK_SECONDS = 1.0
MIN_TICK_SECONDS = 0.002


class ServedCluster:
    """The local cluster at `home`, safe to use from many request threads."""

    def __init__(
        self,
        home: Path | None = None,
        *,
        speed: float | None = None,
        controllers: Callable[[], Sequence[Controller]] | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.backend = LocalBackend(home, controllers=controllers, wall=wall)
        self._wall = wall
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._resource_version = 0
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._ticker: threading.Thread | None = None
        self._restore: tuple[str, float] | None = None
        self._speed = speed
        self._closed = False

    # --- Lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Switch the clock to real time (remembering what it was) and start the ticker."""
        with self._lock:
            mode, speed = self.backend.clock_mode()
            if mode != "real" or (self._speed is not None and self._speed != speed):
                self._restore = (mode, speed)
                self.backend.set_clock("real", self._speed)
        self._tick()
        self._ticker = threading.Thread(target=self._tick_loop, name="stsctl-serve-ticker")
        self._ticker.daemon = True
        self._ticker.start()

    def stop(self) -> None:
        """Stop the ticker, end every watch, put the clock back as it was, close the store."""
        self._stopping.set()
        self._wakeup.set()
        with self._changed:
            self._changed.notify_all()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None
        with self._lock:
            if self._restore is not None:
                mode, speed = self._restore
                self.backend.set_clock(mode, speed)
                self._restore = None
            self.backend.close()
            self._closed = True

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def path(self) -> Path:
        return self.backend.path

    def clock_mode(self) -> tuple[str, float]:
        with self._lock:
            return self.backend.clock_mode()

    # --- Transactions --------------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, caught up to now, run alone; watchers are woken if it wrote."""
        with self._lock:
            self._check_open()
            state: Any = None
            try:
                with self.backend.session() as s:
                    state = s.state
                    yield s
            finally:
                if state is not None:
                    self._published(state.meta.resource_version)

    @contextmanager
    def store(self) -> Iterator[Any]:
        """The store alone (reads of the change log and meta), without a transaction."""
        with self._lock:
            self._check_open()
            yield self.backend.store

    def _check_open(self) -> None:
        if self._closed:
            raise ApiError(
                message="the server is shutting down", code=503, reason="ServiceUnavailable"
            )

    def _published(self, resource_version: int) -> None:
        if resource_version == self._resource_version:
            return
        with self._changed:
            self._resource_version = resource_version
            self._changed.notify_all()
        self._wakeup.set()  # a write may have made something due sooner

    @property
    def resource_version(self) -> int:
        """The newest resourceVersion committed through this server (or seen by the ticker)."""
        return self._resource_version

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until the resourceVersion moves past `seen`, the server stops or `timeout`
        (seconds of wall time) passes; the resourceVersion now."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._resource_version != seen or self._stopping.is_set(),
                timeout=max(timeout, 0.0),
            )
            return self._resource_version

    # --- Ticker --------------------------------------------------------------------------------

    def _tick(self) -> float:
        """Catch up to now; the wall seconds until the next simulated transition is due."""
        with self.session() as s:
            due = s.next_wake()
            speed = s.state.meta.speed
            if due is None:
                return IDLE_TICK_SECONDS
            return (due - s.now).total_seconds() / speed

    def _tick_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                delay = self._tick()
            except Exception:
                # A busy store (another process) or a failed catch-up: try again shortly; the
                # request that meets the same failure reports it.
                delay = IDLE_TICK_SECONDS
            self._wakeup.wait(timeout=min(max(delay, MIN_TICK_SECONDS), IDLE_TICK_SECONDS))
            self._wakeup.clear()

    def simulated_now(self) -> datetime:
        """The simulated time now (without a transaction)."""
        with self._lock:
            self._check_open()
            return self.backend.simulated_now()
