"""`stsctl serve` as a user runs it: a process that prints where it serves, a kubeconfig, and
stops cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, Result, subprocess_env


def serve(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stsctl", "serve", "--port", "0", *args],
        cwd=ROOT,
        env=subprocess_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def url_of(line: str) -> str:
    return line.split(" at ", 1)[1].split(" ", 1)[0]


def stop(proc: subprocess.Popen[str], how: signal.Signals) -> Result:
    proc.send_signal(how)
    out, err = proc.communicate(timeout=30)
    return Result(proc.returncode, out, err)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_serve_writes_a_kubeconfig_serves_and_stops_on_a_signal(
    tmp_path: Path, how: signal.Signals
) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    proc = serve(tmp_path / "home", "--speed", "10", "--write-kubeconfig", str(kubeconfig))
    assert proc.stderr is not None
    serving = proc.stderr.readline()
    wrote = proc.stderr.readline()
    url = url_of(serving)
    with urllib.request.urlopen(url + "/version", timeout=20) as response:
        version = json.load(response)
    result = stop(proc, how)
    assert serving == (
        f"Serving the local cluster ({tmp_path / 'home' / 'cluster.db'}) at {url} "
        "(simulated clock: real, speed 10). Press Ctrl-C to stop.\n"
    )
    assert (
        wrote
        == f"Wrote a kubeconfig to {kubeconfig}: kubectl --kubeconfig {kubeconfig} get statefulsets\n"
    )
    assert f'server: "{url}"' in kubeconfig.read_text()
    assert version["gitVersion"] == "v1.35.0"
    assert (result.code, result.out, result.err) == (0, "", "Stopped serving.\n")


def test_serve_prints_the_kubeconfig_without_a_path(tmp_path: Path) -> None:
    proc = serve(tmp_path / "home", "-n", "prod")
    assert proc.stderr is not None and proc.stdout is not None
    url = url_of(proc.stderr.readline())
    lines = [proc.stdout.readline() for _ in range(17)]
    stop(proc, signal.SIGTERM)
    text = "".join(lines)
    assert text.startswith("apiVersion: v1\nkind: Config\n")
    assert f'    server: "{url}"\n' in text
    assert '    namespace: "prod"\n' in text
    assert text.endswith("preferences: {}\n")


def test_serve_with_a_token_file_serves_https_and_needs_the_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("s3cret\n")
    kubeconfig = tmp_path / "kubeconfig"
    proc = serve(
        tmp_path / "home", "--token-file", str(token_file), "--write-kubeconfig", str(kubeconfig)
    )
    assert proc.stderr is not None
    url = url_of(proc.stderr.readline())
    proc.stderr.readline()
    result = stop(proc, signal.SIGTERM)
    assert url.startswith("https://127.0.0.1:")
    text = kubeconfig.read_text()
    assert 'token: "s3cret"' in text
    assert "certificate-authority-data: " in text
    assert result.code == 0


def test_serve_beyond_loopback_warns(tmp_path: Path) -> None:
    proc = serve(
        tmp_path / "home", "--address", "0.0.0.0", "--write-kubeconfig", str(tmp_path / "k")
    )
    assert proc.stderr is not None
    warning = proc.stderr.readline()
    url = url_of(proc.stderr.readline())
    stop(proc, signal.SIGTERM)
    assert warning == (
        "warning: serving on 0.0.0.0, beyond this machine: anyone who can reach it can read and "
        "change the local cluster over plain HTTP (no --token set)\n"
    )
    assert url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--token", "a", "--token-file", "f"),
            "error: --token and --token-file cannot be used together\n",
        ),
        (("--token", " "), "error: --token is empty\n"),
        (("--speed", "0"), "error: --speed must be greater than 0\n"),
    ],
)
def test_serve_refuses_bad_options(cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", *args)
    assert (result.code, result.err) == (2, message)
