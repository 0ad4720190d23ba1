"""Drive `stsctl serve` with concurrent clients and print throughput, latency and failures.

Starts `stsctl serve` as a subprocess on a fresh local cluster (the seed's web StatefulSet
applied), then runs N client threads for a fixed time, each on its own keep-alive connection,
cycling through what `kubectl get` and a watcher's relist do: GET a StatefulSet, LIST pods as a
Table, GET a pod, LIST StatefulSets, GET its /scale. Prints requests/second, p50/p99 latency and
the failed requests (anything but 200). With --kubectl, also runs N concurrent `kubectl get
sts,pods` processes in a loop for the same time.

Peer: the same reads made directly on a LocalBackend in one thread of this process (no HTTP, no
lock contention), i.e. what serving costs on top of the local cluster itself.

Usage: python benchmarks/serve_bench.py [--clients 20] [--seconds 10] [--kubectl]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
NS = "/api/v1/namespaces/default"
STS = "/apis/apps/v1/namespaces/default/statefulsets"
MIX: list[tuple[str, str]] = [
    (f"{STS}/web", "application/json"),
    (f"{NS}/pods", TABLE),
    (f"{NS}/pods/web-0", "application/json"),
    (STS, TABLE),
    (f"{STS}/web/scale", "application/json"),
]


def start_server(home: Path, kubeconfig: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "STSCTL_HOME": str(home)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stsctl",
            "serve",
            "--port",
            "0",
            "--speed",
            "20",
            "--write-kubeconfig",
            str(kubeconfig),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not kubeconfig.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(
                f"stsctl serve did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        time.sleep(0.05)
    text = kubeconfig.read_text()
    url = text.split('server: "', 1)[1].split('"', 1)[0]
    return proc, url


def seed(host: str, port: int) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    for doc in yaml.safe_load_all((ROOT / "manifests" / "web.yaml").read_text()):
        kind = doc["kind"]
        path = {
            "PersistentVolume": "/api/v1/persistentvolumes",
            "Service": f"{NS}/services",
            "StatefulSet": STS,
        }[kind]
        conn.request("POST", path, json.dumps(doc), {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        assert response.status == 201, (kind, response.status)
    # Wait (bounded) until both pods exist, so every request in the mix can succeed.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        conn.request("GET", f"{NS}/pods/web-1")
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            return
        time.sleep(0.05)
    raise SystemExit("the web StatefulSet's pods did not appear")


def http_clients(
    host: str, port: int, clients: int, seconds: float
) -> tuple[list[float], int, int]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    stop_at = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def run(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        barrier.wait()
        i = n
        while time.monotonic() < stop_at:
            path, accept = MIX[i % len(MIX)]
            i += 1
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": accept})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            latencies[n].append(time.perf_counter() - began)
            if not ok:
                failures[n] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for per in latencies for x in per]
    return flat, sum(failures), len(flat)


def kubectl_clients(
    kubeconfig: Path, cache: Path, clients: int, seconds: float
) -> tuple[list[float], int]:
    binary = shutil.which("kubectl")
    assert binary is not None
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run() -> None:
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            done = subprocess.run(
                [
                    binary,
                    "--kubeconfig",
                    str(kubeconfig),
                    "--cache-dir",
                    str(cache),
                    "get",
                    "sts,pods",
                ],
                capture_output=True,
            )
            with lock:
                latencies.append(time.perf_counter() - began)
                if done.returncode != 0:
                    failures[0] += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures[0]


def direct_peer(home: Path, seconds: float) -> tuple[float, list[float]]:
    """The same reads straight on a LocalBackend (no HTTP), one thread."""
    from stsctl.backends.local import LocalBackend

    backend = LocalBackend(home)
    calls = [
        lambda: backend.get("StatefulSet", "web", "default"),
        lambda: backend.list("Pod", "default"),
        lambda: backend.get("Pod", "web-0", "default"),
        lambda: backend.list("StatefulSet", "default"),
        lambda: backend.get_scale("StatefulSet", "web", "default"),
    ]
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds
    i = 0
    began_all = time.perf_counter()
    while time.monotonic() < stop_at:
        began = time.perf_counter()
        calls[i % len(calls)]()
        latencies.append(time.perf_counter() - began)
        i += 1
    elapsed = time.perf_counter() - began_all
    backend.close()
    return len(latencies) / elapsed, latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def report(title: str, count: int, seconds: float, latencies: list[float], failed: int) -> None:
    print(
        f"{title:<44} {count / seconds:8.0f} req/s   p50 {percentile(latencies, 50):6.1f} ms   "
        f"p99 {percentile(latencies, 99):6.1f} ms   failed {failed}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--kubectl", action="store_true", help="also run concurrent kubectl processes"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    home, kubeconfig = work / "home", work / "kubeconfig"
    proc, url = start_server(home, kubeconfig)
    failed_total = 0
    try:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        seed(host, int(port))
        print(
            f"stsctl serve at {url}, {args.clients} concurrent clients, {args.seconds:g} s each run"
        )
        latencies, failed, count = http_clients(host, int(port), args.clients, args.seconds)
        failed_total += failed
        report(
            f"HTTP GET/LIST mix, {args.clients} keep-alive clients",
            count,
            args.seconds,
            latencies,
            failed,
        )
        if args.kubectl:
            if shutil.which("kubectl") is None:
                print("kubectl: not on PATH, skipped")
            else:
                kl, kf = kubectl_clients(kubeconfig, work / "cache", args.clients, args.seconds)
                failed_total += kf
                report(
                    f"`kubectl get sts,pods`, {args.clients} processes",
                    len(kl),
                    args.seconds,
                    kl,
                    kf,
                )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    rate, direct = direct_peer(home, min(args.seconds, 5.0))
    print(
        f"{'peer: the same reads on LocalBackend, 1 thread':<44} {rate:8.0f} ops/s   "
        f"p50 {percentile(direct, 50):6.1f} ms   p99 {percentile(direct, 99):6.1f} ms"
    )
    print(f"served/direct throughput: {count / args.seconds / rate:.2f}x")
    shutil.rmtree(work, ignore_errors=True)
    if failed_total:
        raise SystemExit(f"{failed_total} requests failed")


if __name__ == "__main__":
    main()
