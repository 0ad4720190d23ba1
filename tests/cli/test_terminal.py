"""The live view on a real terminal: `stsctl scale` inside tmux, with the local cluster's clock in
real mode (sped up), redraws its frame in place and stops cleanly on Ctrl-C.

Off a terminal (every other CLI test) stsctl prints plain lines; only a pseudo-terminal shows
the live table, so this test drives one through tmux and reads the screen with `capture-pane`.
Waiting is a bounded poll on `time.monotonic` deadlines with `select` as the pause.
"""

from __future__ import annotations

import json
import os
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.cli.test_scale import WEB
from tests.conftest import ROOT

T = TypeVar("T")

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None,
    reason="tmux is not installed: the live-view test needs a real terminal (apt-get install tmux)",
)

# Each new pod takes ~20 simulated seconds to start; at 20x that is about one pod a second, so
# scaling 1 → 12 keeps the view busy for longer than the test watches it.
SLOW_WEB = WEB.replace("replicas: 2", "replicas: 1").replace(
    "      labels:\n        app: nginx\n    spec:",
    "      labels:\n        app: nginx\n      annotations:\n"
    "        sim.stsctl.io/start-delay: 20s\n    spec:",
)
TITLE = "scale statefulset.apps/web: 1 → 12 replicas"
RESULT = "statefulset.apps/web scaled"


def poll(check: Callable[[], T | None], seconds: float, pause: float = 0.1) -> T | None:
    """`check()` until it returns something truthy or `seconds` pass (then None)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() >= deadline:
            return None
        select.select([], [], [], pause)


class Tmux:
    """A private tmux server (its own socket) with one 100x40 window."""

    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        assert TMUX is not None
        self.base = [TMUX, "-S", str(socket)]
        self.env = env

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [*self.base, *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-x", "100", "-y", "40", "-c", str(ROOT), command)

    def screen(self) -> list[str]:
        """The visible screen, trailing blank lines dropped."""
        lines = self.run("capture-pane", "-p").rstrip("\n").split("\n")
        return [line.rstrip() for line in lines]

    def frame(self) -> list[str]:
        """The screen once a redraw is complete: two captures in a row alike (a capture taken
        while tmux is still drawing a frame shows only part of it)."""
        screen = self.screen()
        for _ in range(50):
            select.select([], [], [], 0.02)
            again = self.screen()
            if again == screen:
                return screen
            screen = again
        return screen

    def everything(self) -> str:
        """The screen and all the scrollback above it."""
        return self.run("capture-pane", "-p", "-S", "-")

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], env=self.env, capture_output=True, timeout=10)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    # A short directory: a Unix socket path must fit in about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="stsctl-tmux-"))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
    env.setdefault("TERM", "xterm-256color")
    server = Tmux(folder / "sock", env)
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(folder, ignore_errors=True)


def ready_count(screen: list[str]) -> str | None:
    for line in screen:
        if line.startswith("READY "):
            return line.split()[1]
    return None


def test_live_view_redraws_in_place_and_ctrl_c_exits_130_changing_nothing(
    cli: Any, tmp_path: Path, tmux: Tmux
) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(SLOW_WEB)
    assert cli("apply", "-f", str(manifest)).code == 0
    assert cli("rollout", "status", "web").code == 0  # manual clock: settles at once
    assert cli("sim", "clock", "real", "--speed", "20").code == 0

    rc_file, err_file = tmp_path / "rc", tmp_path / "err"
    stsctl = f"{shlex.quote(sys.executable)} -m stsctl scale web --replicas 12"
    # bash survives the Ctrl-C (its trap runs `:`), records stsctl's exit code, then waits on
    # `read` so the pane stays open for the last capture.
    tmux.start(
        "bash -c "
        + shlex.quote(
            f"trap : INT; {stsctl} 2>{shlex.quote(str(err_file))}; "
            f"echo $? >{shlex.quote(str(rc_file))}; read -r _"
        )
    )

    def live_view() -> list[str] | None:
        screen = tmux.frame()
        return screen if TITLE in screen and ready_count(screen) else None

    first = poll(live_view, 15)
    assert first is not None, "the live view never appeared"

    # Keep capturing until the READY count has moved twice: three different frames.
    frames = [first]
    seen = {ready_count(first)}

    def next_frame() -> list[str] | None:
        screen = tmux.frame()
        count = ready_count(screen)
        if count is not None and count not in seen:
            seen.add(count)
            return screen
        return None

    for _ in range(2):
        frame = poll(next_frame, 10)
        assert frame is not None, f"the view stopped changing at READY {seen}"
        frames.append(frame)

    for screen in frames:
        # In place: the result line and the title stay on the first two rows, once each, and
        # the pod table has one header.
        assert screen[:2] == [RESULT, TITLE]
        assert sum(TITLE in line for line in screen) == 1
        assert sum(line.split()[:2] == ["#", "NAME"] for line in screen) == 1, "\n".join(screen)
        assert len(screen) <= 40
    # The rows changed between captures: pods moved on, one row per ordinal all along.
    assert len({ready_count(s) for s in frames}) == 3
    for screen in frames:
        assert [line.split()[1] for line in screen if line[:1].isdigit()] == [
            f"web-{i}" for i in range(12)
        ]
    running = [sum(" Running " in line for line in s) for s in frames]
    assert running == sorted(running) and running[0] < running[-1]
    # Nothing scrolled away above the screen: the whole history holds one frame.
    history = tmux.everything()
    assert history.count(TITLE) == 1
    assert history.count(RESULT) == 1

    tmux.run("send-keys", "C-c")
    code = poll(lambda: rc_file.exists() and rc_file.read_text().strip(), 10)
    assert code == "130"
    errors = err_file.read_text()
    assert errors == "error: stopped watching; the cluster was not changed\n"
    assert "Traceback" not in tmux.everything()

    # Ctrl-C only stopped the watching: the set keeps the size the command gave it.
    sts = json.loads(cli("get", "statefulset", "web", "-o", "json").out)
    assert sts["spec"]["replicas"] == 12
    assert sts["metadata"]["generation"] == 2
