"""Count the HTTP requests `stsctl rollout status` makes over the kube backend.

Serves a local cluster with `stsctl serve` (in this process, on a free loopback port, its access
log recording every request), creates a StatefulSet of N pods, starts a rolling update (a new
image) and runs `stsctl rollout status sts/web --kubeconfig ...` in a subprocess until the update
is complete. The requests it made are counted from the server's access log: single GETs, lists
and watches. The named peer, measured in the same run on the same kind of update: a polling loop
of the kind scripts write (`kubectl get sts web` + `kubectl get pods -l app=web` every second
until the status says done), through the same backend. Target: stsctl makes a constant number of
requests (one list and one watch per kind it follows, whatever N and however long the update
takes); the polling peer's count grows with the update's duration.

Usage: python benchmarks/kube_requests_bench.py [--replicas 10,50] [--speed 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stsctl.backends.kube import KubeBackend
from stsctl.backends.serve import ServerHandle, start_server

ROOT = Path(__file__).resolve().parent.parent
Obj = dict[str, Any]


class AccessLog:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)

    def take(self) -> list[str]:
        """`METHOD PATH?QUERY` of the requests since the last call."""
        with self._lock:
            lines, self.lines = self.lines, []
        found = []
        for line in lines:
            start, end = line.find('"'), line.rfind('"')
            if 0 <= start < end:
                method, _, rest = line[start + 1 : end].partition(" ")
                found.append(f"{method} {rest.rsplit(' ', 1)[0]}")
        return found


def classify(requests: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for request in requests:
        method, _, target = request.partition(" ")
        path, _, query = target.partition("?")
        if method != "GET":
            counts[method.lower()] += 1
        elif "watch=true" in query:
            counts["watch"] += 1
        else:
            counts["list" if _is_collection(path) else "get"] += 1
    return counts


def _is_collection(path: str) -> bool:
    """A collection path ends with its plural; an object path with the object's name."""
    parts = [p for p in path.split("/") if p]
    # /api/v1/PLURAL, /api/v1/namespaces/NS/PLURAL, /apis/G/V/PLURAL, /apis/G/V/namespaces/NS/PLURAL
    core = parts[0] == "api"
    rest = parts[2:] if core else parts[3:]
    if rest and rest[0] == "namespaces" and len(rest) >= 3:
        rest = rest[2:]
    return len(rest) == 1


def statefulset(replicas: int, image: str) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "web",
            "replicas": replicas,
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "web", "image": image}],
                },
            },
        },
    }


def rolled_out(sts: Obj) -> bool:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    replicas = int(spec.get("replicas") or 0)
    return (
        int(status.get("observedGeneration") or 0) >= int(sts["metadata"].get("generation") or 0)
        and int(status.get("updatedReplicas") or 0) == replicas
        and int(status.get("readyReplicas") or 0) == replicas
        and status.get("currentRevision") == status.get("updateRevision")
    )


def wait_until(check: Callable[[], bool], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("the cluster did not settle in time")
        time.sleep(0.2)


def new_image(backend: KubeBackend, image: str) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}}
    backend.patch("StatefulSet", "web", "default", patch, "strategic")


def stsctl_rollout_status(kubeconfig: Path, home: Path) -> tuple[float, str]:
    env = dict(os.environ, STSCTL_HOME=str(home), COLUMNS="100")
    env.pop("STSCTL_BACKEND", None)
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stsctl",
            "rollout",
            "status",
            "sts/web",
            "--timeout",
            "10m",
            "--kubeconfig",
            str(kubeconfig),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"rollout status failed: {result.stderr.strip()}")
    return elapsed, result.stdout.strip().splitlines()[-1]


def polling_peer(backend: KubeBackend, interval: float = 1.0) -> float:
    started = time.perf_counter()
    while True:
        sts = backend.get("StatefulSet", "web", "default")
        backend.list("Pod", "default", label_selector="app=web")
        if rolled_out(sts):
            return time.perf_counter() - started
        time.sleep(interval)


def measure(replicas: int, speed: float, work: Path) -> dict[str, Any]:
    log = AccessLog()
    handle: ServerHandle = start_server(work / f"served-{replicas}", port=0, speed=speed, log=log)
    try:
        kubeconfig = handle.write_kubeconfig(work / f"kubeconfig-{replicas}")
        backend = KubeBackend(kubeconfig=str(kubeconfig))
        backend.create(statefulset(replicas, "nginx:1.25"))
        wait_until(lambda: rolled_out(backend.get("StatefulSet", "web", "default")))

        new_image(backend, "nginx:1.26")
        log.take()
        stsctl_seconds, last_line = stsctl_rollout_status(kubeconfig, work / "client-home")
        stsctl_counts = classify(log.take())

        new_image(backend, "nginx:1.27")
        log.take()
        peer_seconds = polling_peer(backend)
        peer_counts = classify(log.take())
        backend.close()
    finally:
        handle.stop()
    return {
        "replicas": replicas,
        "stsctl": stsctl_counts,
        "stsctl_seconds": stsctl_seconds,
        "peer": peer_counts,
        "peer_seconds": peer_seconds,
        "last_line": last_line,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", default="10,50", help="comma-separated set sizes")
    parser.add_argument("--speed", type=float, default=10.0, help="simulated seconds per second")
    args = parser.parse_args()
    sizes = [int(n) for n in args.replicas.split(",") if n.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["STSCTL_HOME"] = str(work / "bench-home")
        rows = [measure(n, args.speed, work) for n in sizes]
    print(f"rolling update of N pods, served at {args.speed:g}x simulated speed")
    header = (
        f"{'N':>4}  {'stsctl: get':>11} {'list':>5} {'watch':>6} {'total':>6} {'wall s':>7}"
        f"  {'polling peer: requests':>22} {'wall s':>7}  {'ratio':>6}"
    )
    print(header)
    for row in rows:
        mine, peer = row["stsctl"], row["peer"]
        total = sum(mine.values())
        peer_total = sum(peer.values())
        print(
            f"{row['replicas']:>4}  {mine['get']:>11} {mine['list']:>5} {mine['watch']:>6} "
            f"{total:>6} {row['stsctl_seconds']:>7.1f}  {peer_total:>22} "
            f"{row['peer_seconds']:>7.1f}  {peer_total / max(total, 1):>5.1f}x"
        )
    print(f"last line of rollout status: {rows[-1]['last_line']}")


if __name__ == "__main__":
    main()
