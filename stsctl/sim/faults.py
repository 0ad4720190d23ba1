"""Fault injection for the simulated cluster: pod annotations under `sim.stsctl.io/`.

Put them on a StatefulSet's pod template (every pod of the set gets them) or on a single pod.
The simulated kubelet reads them each time it looks at the pod, so editing a pod's annotations
takes effect at once. A real cluster ignores these annotations.

| Annotation | Value | Effect |
|---|---|---|
| `sim.stsctl.io/start-delay` | duration (`30s`, `1m30s`, `500ms`, or plain seconds `30`) | The pod stays `ContainerCreating` this much longer before its sandbox is ready and its containers start. |
| `sim.stsctl.io/never-ready` | `"true"` | Containers run but never pass their readiness probe: `Running`, `0/1`, Ready=False, and a Warning `Unhealthy` event `Readiness probe failed: ...`. |
| `sim.stsctl.io/crash-loop` | `"true"` | Every container exits with code 1 about a second after it starts, never having been Ready; the kubelet restarts it with the usual back-off (10s, 20s, 40s, … 5m): `Error`, then `CrashLoopBackOff`, RESTARTS growing, `lastState.terminated`, and Warning `BackOff` events. |
| `sim.stsctl.io/image-pull-error` | `"true"` | Every image pull fails: `ErrImagePull`, then `ImagePullBackOff`, retried with back-off, with the kubelet's `Failed` and `BackOff` events. |
| `sim.stsctl.io/exit-code` | integer 0–255 | Containers exit with this code about a second after they start and the pod ends in phase `Failed` (`Succeeded` for 0), the way a failed pod is reported; a StatefulSet then deletes and recreates it. |
| `sim.stsctl.io/termination-seconds` | non-negative integer or duration | Containers take this long to stop after the pod is deleted (default 1s). Longer than the pod's grace period means they are killed at the end of it (exit code 137). |
| `sim.stsctl.io/broken` | `"true"` | Set and cleared by `stsctl sim break POD` / `heal POD`: while present the pod's readiness probe fails (Ready=False, `Unhealthy` event); when removed the pod is Ready again. |

Rules for values (the same for every annotation):

* Booleans are read like Go's `strconv.ParseBool`: `1`, `t`, `T`, `true`, `TRUE`, `True` mean
  true; `0`, `f`, `F`, `false`, `FALSE`, `False` mean false.
* Anything that does not parse (a boolean `"yes"`, a negative duration, an exit code of 300) is
  ignored: the pod behaves as if the annotation were absent. `Faults.ignored` lists such
  annotations, and `Faults.unknown` lists names under `sim.stsctl.io/` that are not faults, so a
  command can point them out.
* When several faults apply, the earliest stage wins: an image that cannot be pulled never
  starts, so `image-pull-error` hides the others; `exit-code` wins over `crash-loop` (the pod
  fails instead of restarting). `never-ready` and `broken` only matter for running containers.

Node annotation `sim.stsctl.io/down: "true"` (set by `stsctl sim node down`) is not a pod fault;
see `stsctl.sim.nodes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

PREFIX = "sim.stsctl.io/"

START_DELAY = PREFIX + "start-delay"
NEVER_READY = PREFIX + "never-ready"
CRASH_LOOP = PREFIX + "crash-loop"
IMAGE_PULL_ERROR = PREFIX + "image-pull-error"
EXIT_CODE = PREFIX + "exit-code"
TERMINATION_SECONDS = PREFIX + "termination-seconds"
BROKEN = PREFIX + "broken"
NODE_DOWN = PREFIX + "down"

POD_FAULTS = (
    START_DELAY,
    NEVER_READY,
    CRASH_LOOP,
    IMAGE_PULL_ERROR,
    EXIT_CODE,
    TERMINATION_SECONDS,
    BROKEN,
)

_TRUE = {"1", "t", "T", "true", "TRUE", "True"}
_FALSE = {"0", "f", "F", "false", "FALSE", "False"}

# Go's time.ParseDuration units, as far as a fault needs them.
_UNITS = {
    "ns": timedelta(microseconds=0.001),
    "us": timedelta(microseconds=1),
    "µs": timedelta(microseconds=1),
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


@dataclass(frozen=True)
class Faults:
    """The faults a pod's annotations ask for (all off by default)."""

    start_delay: timedelta = timedelta(0)
    never_ready: bool = False
    crash_loop: bool = False
    image_pull_error: bool = False
    exit_code: int | None = None
    termination: timedelta | None = None
    broken: bool = False
    ignored: tuple[str, ...] = ()
    """Fault annotations whose value did not parse (so they have no effect)."""
    unknown: tuple[str, ...] = ()
    """Annotations under `sim.stsctl.io/` that are not pod faults."""

    @property
    def any(self) -> bool:
        """Whether any fault is in effect."""
        return (
            self.start_delay > timedelta(0)
            or self.never_ready
            or self.crash_loop
            or self.image_pull_error
            or self.exit_code is not None
            or self.termination is not None
            or self.broken
        )


def parse_bool(text: str) -> bool | None:
    """Go's strconv.ParseBool, or None when `text` is not a boolean."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_duration(text: str) -> timedelta | None:
    """A non-negative Go duration (`1m30s`, `500ms`, `2h`) or plain seconds (`30`), else None."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return timedelta(seconds=int(text))
    pos = 0
    total = timedelta(0)
    for m in _DURATION_PART.finditer(text):
        if m.start() != pos:
            return None
        total += _UNITS[m.group(2)] * float(m.group(1))
        pos = m.end()
    if pos != len(text) or pos == 0:
        return None
    return total


def _parse_exit_code(text: str) -> int | None:
    text = text.strip()
    if not re.fullmatch(r"\d+", text):
        return None
    code = int(text)
    return code if code <= 255 else None


_NO_FAULTS = Faults()


def pod_faults(pod: dict[str, Any]) -> Faults:
    """The faults in effect for `pod`, from its `sim.stsctl.io/` annotations."""
    meta = pod.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    if not annotations:
        return _NO_FAULTS  # most pods: the kubelet asks at every sync of every pod
    values: dict[str, Any] = {}
    ignored: list[str] = []
    unknown: list[str] = []
    for key in sorted(annotations):
        if not isinstance(key, str) or not key.startswith(PREFIX):
            continue
        raw = annotations[key]
        text = raw if isinstance(raw, str) else str(raw)
        if key in (NEVER_READY, CRASH_LOOP, IMAGE_PULL_ERROR, BROKEN):
            flag = parse_bool(text.strip())
            if flag is None:
                ignored.append(key)
            else:
                values[key] = flag
        elif key in (START_DELAY, TERMINATION_SECONDS):
            duration = parse_duration(text)
            if duration is None:
                ignored.append(key)
            else:
                values[key] = duration
        elif key == EXIT_CODE:
            code = _parse_exit_code(text)
            if code is None:
                ignored.append(key)
            else:
                values[key] = code
        elif key != NODE_DOWN:
            unknown.append(key)
    return Faults(
        start_delay=values.get(START_DELAY, timedelta(0)),
        never_ready=values.get(NEVER_READY, False),
        crash_loop=values.get(CRASH_LOOP, False),
        image_pull_error=values.get(IMAGE_PULL_ERROR, False),
        exit_code=values.get(EXIT_CODE),
        termination=values.get(TERMINATION_SECONDS),
        broken=values.get(BROKEN, False),
        ignored=tuple(ignored),
        unknown=tuple(unknown),
    )
