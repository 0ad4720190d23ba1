"""Start-up cost of stsctl against kubectl's client start-up, measured in one run.

Times (best of N, wall clock, each a fresh process):
  - `stsctl --help`
  - `stsctl get pods` on the local cluster holding 100 pods (a 100-replica Parallel StatefulSet,
    created with `apply` and then `sim advance` until every pod is Running)
  - `kubectl version --client`, the named peer (a Go binary: no interpreter to start)
  - `python -c pass`, the floor any Python CLI pays
and prints the ratios to kubectl (target: stsctl at most 3x kubectl). With --imports it also prints
the slowest imports of `stsctl get pods` (`python -X importtime`, cumulative), which is where a
Python CLI's start-up goes.

Usage: python benchmarks/startup_bench.py [--repeat N] [--imports]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PODS = 100
TARGET_RATIO = 3.0


def manifest(replicas: int) -> str:
    """manifests/web-parallel.yaml with `replicas` pods (Parallel: they all start at once)."""
    text = (ROOT / "manifests" / "web-parallel.yaml").read_text()
    changed, count = re.subn(r"(?m)^(\s*)replicas: \d+$", rf"\g<1>replicas: {replicas}", text)
    if count != 1:
        raise SystemExit("manifests/web-parallel.yaml: expected exactly one `replicas:` line")
    return changed


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"STSCTL_HOME": str(home), "STSCTL_CLOCK": "manual", "COLUMNS": "120"})
    # Measure what users get: byte-compiled modules (an installed package has them).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("FORCE_COLOR", None)
    return env


def stsctl(*args: str) -> list[str]:
    return [sys.executable, "-m", "stsctl", *args]


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)


def best_of(command: list[str], env: dict[str, str], repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds (after one warm-up run, not counted)."""
    warm = run(command, env)
    if warm.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{warm.stderr}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(command, env)
        times.append(time.perf_counter() - start)
    return min(times)


def prepare(env: dict[str, str]) -> None:
    path = Path(env["STSCTL_HOME"]) / "web-100.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(manifest(PODS))
    for command in (stsctl("apply", "-f", str(path)), stsctl("sim", "advance", "5m")):
        done = run(command, env)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    listed = run(stsctl("get", "pods", "--no-headers"), env).stdout.splitlines()
    running = sum(1 for line in listed if " Running " in line)
    if running != PODS:
        raise SystemExit(f"expected {PODS} Running pods, found {running}")


def slowest_imports(env: dict[str, str], count: int = 12) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the slowest top-level imports of `stsctl get pods`."""
    trace = run([sys.executable, "-X", "importtime", "-m", "stsctl", "get", "pods"], env).stderr
    found = []
    for line in trace.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 3:  # top level, or one level below it
            found.append((int(match.group(1)), match.group(2) + match.group(3)))
    return sorted(found, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs per command (best is kept)")
    parser.add_argument("--imports", action="store_true", help="print the slowest imports")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="stsctl-startup-") as tmp:
        env = environment(Path(tmp) / "home")
        prepare(env)
        rows: list[tuple[str, float | None]] = [
            (
                "python -c pass (interpreter floor)",
                best_of([sys.executable, "-c", "pass"], env, options.repeat),
            ),
            ("stsctl --help", best_of(stsctl("--help"), env, options.repeat)),
            (
                f"stsctl get pods ({PODS} pods, local cluster)",
                best_of(stsctl("get", "pods"), env, options.repeat),
            ),
        ]
        kubectl = shutil.which("kubectl")
        peer = best_of([kubectl, "version", "--client"], env, options.repeat) if kubectl else None
        rows.append(("kubectl version --client (peer)", peer))
        imports = slowest_imports(env) if options.imports else []

    print(f"start-up, best of {options.repeat} (wall clock, fresh process each run)")
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        if seconds is None:
            print(f"  {name:<{width}}  (kubectl not found on PATH)")
            continue
        ratio = f"   {seconds / peer:5.1f}x kubectl" if peer and "kubectl" not in name else ""
        print(f"  {name:<{width}}  {seconds * 1000:7.1f} ms{ratio}")
    if peer:
        print(
            f"target: stsctl commands at most {TARGET_RATIO:.0f}x kubectl ({TARGET_RATIO * peer * 1000:.0f} ms)"
        )
        for name, seconds in rows[1:3]:
            verdict = (
                "meets" if seconds is not None and seconds <= TARGET_RATIO * peer else "misses"
            )
            print(f"  {name}: {verdict} the target")
    if imports:
        print("slowest imports of `stsctl get pods` (cumulative, top levels):")
        for micros, module in imports:
            print(f"  {micros / 1000:7.1f} ms  {module}")


if __name__ == "__main__":
    main()
