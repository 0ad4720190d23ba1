"""How fast the local cluster simulates big StatefulSets: wall time, CPU time and peak memory.

Cases (each in its own subprocess, on a fresh cluster of `--nodes` nodes, manual clock):

* `parallel:N` — apply a headless Service and an N-replica Parallel StatefulSet (no storage)
  in one transaction, then step from one due transition to the next (`advance_to_next_wake`,
  what `stsctl wait` does) until every pod is Running and Ready;
* `rolling:N` — the same set made Ready first (not timed), then an image change, stepped until
  `updatedReplicas == replicas` and every pod is Ready again (maxUnavailable 1: one pod at a time,
  highest ordinal first);
* `cold:N` — a fresh process opening the N-pod cluster the `parallel:N` case left behind and
  answering one `get statefulset` (loading the store; the cluster being settled, no controller
  is loaded or resynced), as a command-line invocation does.

CPU time is the whole process's: the store's writer thread runs SQLite beside the simulation,
so it may exceed the wall time. The simulated controllers' modules and the API schema are loaded
before the clock starts (once per process, ~50 ms: start-up cost, which `startup_bench.py`
measures), so that what is timed is the simulation.

The peer is the 1,000-replica run: linear scaling makes the 5,000-replica run cost 5×.
Targets (issue 3): 5,000 pods to Ready in under 2 s of wall time on 2 cores; 5,000 cost at most 6×
what 1,000 cost. Peak memory is the child's maximum resident set size (`ru_maxrss`), printed with
what the same process held before the case started.

The cases run round by round (each case once per round, `--repeat` rounds), so that the 1,000-
and 5,000-replica runs compared with each other meet the same machine; the growth is printed
best against best and round by round.

Builds (`--builds`): `pure`, the Python source as it is; `compiled`, the build of
`STSCTL_NATIVE=1 pip install .` (setup.py: the hot modules compiled by mypyc), made in
`build/native-tree` by `tools/native_tree.py` (needs mypy and a C compiler; reused while the
sources are the same). Measured in the same rounds, each build is the other's peer.

Usage: python benchmarks/sim_bench.py [--nodes 50] [--repeat 5] [--cases parallel:1000,...]
       [--builds pure,compiled]   (both by default)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = "parallel:1000,parallel:5000,rolling:1000,cold:5000"

SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {
        "clusterIP": "None",
        "selector": {"app": "web"},
        "ports": [{"name": "http", "port": 80}],
    },
}


def statefulset(replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {
            "serviceName": "web",
            "replicas": replicas,
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "registry.k8s.io/nginx-slim:0.24",
                            "ports": [{"name": "http", "containerPort": 80}],
                        }
                    ]
                },
            },
        },
    }


# --- the child: one case ------------------------------------------------------------------------


def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_case(kind: str, replicas: int, nodes: int, home: Path) -> dict[str, Any]:
    os.environ["STSCTL_CLOCK"] = "manual"
    from stsctl.backends.local import LocalBackend

    if kind == "cold":
        before = _rss_kb()
        wall, cpu = time.perf_counter(), time.process_time()
        backend = LocalBackend(home)
        status = backend.get("StatefulSet", "web")["status"]
        result = {"steps": 1, "ready": status.get("readyReplicas", 0)}
    else:
        from stsctl.backends.local.backend import default_controllers
        from stsctl.core.schema import check_schema

        backend = LocalBackend(home, nodes=nodes)
        backend.advance(0)  # bootstrap the cluster (not timed)
        default_controllers()  # load the controllers' modules (start-up, not timed)
        check_schema(SERVICE)  # load the API schema (start-up, not timed)

        def ready() -> bool:
            status = backend.get("StatefulSet", "web").get("status") or {}
            return (
                status.get("readyReplicas") == replicas
                and status.get("updatedReplicas") == replicas
            )

        def step_until_ready() -> int:
            steps = 0
            while not ready():
                backend.advance_to_next_wake(None)
                steps += 1
            return steps

        if kind == "rolling":
            with backend.batch():
                backend.create(SERVICE)
                backend.create(statefulset(replicas))
            step_until_ready()
        before = _rss_kb()
        start_sim = backend.simulated_now()
        wall, cpu = time.perf_counter(), time.process_time()
        if kind == "parallel":
            with backend.batch():
                backend.create(SERVICE)
                backend.create(statefulset(replicas))
        else:
            patch = {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.25"}
                            ]
                        }
                    }
                }
            }
            backend.patch("StatefulSet", "web", None, patch, "strategic")
        steps = step_until_ready()
        result = {
            "steps": steps,
            "sim_seconds": (backend.simulated_now() - start_sim).total_seconds(),
        }
    from stsctl import compiled

    result.update(
        compiled=compiled(),
        wall=time.perf_counter() - wall,
        cpu=time.process_time() - cpu,
        rss_before_mb=before / 1024,
        rss_peak_mb=_rss_kb() / 1024,
    )
    return result


# --- the parent ---------------------------------------------------------------------------------


def _child(case: str, nodes: int, home: Path, tree: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree), STSCTL_CLOCK="manual", STSCTL_HOME=str(home))
    out = subprocess.run(
        [sys.executable, __file__, "--child", case, "--nodes", str(nodes), "--home", str(home)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


LABELS = {
    "parallel": "Parallel scale-up, apply → all Ready",
    "rolling": "rolling update, image change → all updated and Ready",
    "cold": "cold start: open the cluster, get statefulset",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=50)
    # Five, as timeit repeats: on a shared machine a run is only ever slowed down by others, and
    # three rounds were often all slowed.
    parser.add_argument("--repeat", type=int, default=5, help="runs per case; the best is kept")
    parser.add_argument("--cases", default=DEFAULT_CASES)
    parser.add_argument(
        "--builds", default="pure,compiled", help="pure, compiled or both (comma-separated)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, n = args.child.split(":")
        print(json.dumps(_run_case(kind, int(n), args.nodes, Path(args.home))))
        return

    builds = args.builds.split(",")
    trees = {build: _tree(build) for build in builds}
    print(
        f"sim_bench: local cluster of {args.nodes} nodes, manual clock; Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs; best of {args.repeat}"
    )
    cases = [(build, case) for build in builds for case in args.cases.split(",")]
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {bc: [] for bc in cases}
    homes: dict[tuple[str, int], Path] = {}
    with tempfile.TemporaryDirectory(prefix="sim-bench-") as tmp:
        # Round by round, every case once per round: the cases compared with each other are
        # measured under the same conditions even when the machine's speed drifts.
        for attempt in range(args.repeat):
            for build, case in cases:
                kind, n = case.split(":")
                tree = trees[build]
                if kind == "cold":
                    home = homes.get((build, int(n)))
                    if home is None:
                        home = Path(tmp) / f"{build}-cold-{n}"
                        _child(f"parallel:{n}", args.nodes, home, tree)
                        homes[build, int(n)] = home
                else:
                    home = Path(tmp) / f"{build}-{kind}-{n}-{attempt}"
                    if kind == "parallel":
                        homes[build, int(n)] = home
                result = _child(case, args.nodes, home, tree)
                if result["compiled"] != (build == "compiled"):
                    sys.exit(f"sim_bench: {tree} did not run the {build} build")
                runs[build, case].append(result)
    best = {bc: min(runs[bc], key=lambda r: r["wall"]) for bc in cases}
    for build in builds:
        _report(build, {case: rs for (b, case), rs in runs.items() if b == build}, best)
    if len(builds) > 1:
        print("compiled against pure, best against best:")
        for case in args.cases.split(","):
            pure, fast = best.get(("pure", case)), best.get(("compiled", case))
            if pure and fast:
                print(
                    f"  {case}: {fast['wall']:.2f} s against {pure['wall']:.2f} s wall "
                    f"(pure / compiled: {pure['wall'] / fast['wall']:.2f}x)"
                )


def _tree(build: str) -> Path:
    """The source tree a build runs from."""
    if build == "pure":
        return ROOT
    if build != "compiled":
        sys.exit(f"sim_bench: unknown build {build!r} (pure or compiled)")
    sys.path.insert(0, str(ROOT / "tools"))
    from native_tree import build_native_tree

    print("sim_bench: building the compiled tree (reused while the sources are the same)...")
    return build_native_tree(ROOT / "build" / "native-tree")


def _report(
    build: str,
    runs: dict[str, list[dict[str, Any]]],
    best_of: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """One build's table, growth and target lines."""
    print(f"{build} build:")
    print(
        f"{'case':<56}{'pods':>6}{'steps':>7}{'sim s':>8}{'wall s':>9}{'cpu s':>8}"
        f"{'RSS MB':>9}{'+MB':>7}"
    )
    results: dict[str, dict[str, Any]] = {}
    for case in runs:
        kind, n = case.split(":")
        best = results[case] = best_of[build, case]
        sim = f"{best['sim_seconds']:.0f}" if "sim_seconds" in best else "-"
        print(
            f"{LABELS[kind]:<56}{int(n):>6}{best['steps']:>7}{sim:>8}{best['wall']:>9.2f}"
            f"{best['cpu']:>8.2f}{best['rss_peak_mb']:>9.0f}"
            f"{best['rss_peak_mb'] - best['rss_before_mb']:>7.0f}"
        )
    small, big = results.get("parallel:1000"), results.get("parallel:5000")
    if small and big:
        ratio = big["wall"] / small["wall"]
        rounds = ", ".join(
            f"{b['wall'] / a['wall']:.1f}x"
            for a, b in zip(runs["parallel:1000"], runs["parallel:5000"], strict=True)
        )
        print(
            f"5,000 / 1,000 pods: {ratio:.1f}x wall, {big['cpu'] / small['cpu']:.1f}x cpu, best "
            f"against best; round by round {rounds} (linear = 5x; target <= 6x)"
        )
        print(f"5,000 pods to Ready: {big['wall']:.2f} s wall (target < 2 s)")


if __name__ == "__main__":
    main()
