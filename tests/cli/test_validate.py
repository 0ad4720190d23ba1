"""`stsctl validate`: every example validates; every malformed manifest fails with a located
error and no traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, MANIFESTS, ROOT

INVALID = FIXTURES / "invalid"
VALID = FIXTURES / "valid"
EXPECT = re.compile(r"^#\s*expect:\s*(\d+):(\d+):\s*(.+?)\s*$", re.MULTILINE)


def corpus() -> list[Path]:
    return sorted(
        p for p in INVALID.iterdir() if p.is_file() and p.suffix not in (".expect", ".py", ".md")
    )


def expectation(path: Path) -> tuple[int, int, str]:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        text = "# expect: " + sidecar.read_text(encoding="utf-8").strip()
    else:
        text = path.read_bytes().decode("utf-8", errors="replace")
    match = EXPECT.search(text)
    assert match, f"{path.name} has no '# expect: LINE:COL: message' line or .expect file"
    return int(match.group(1)), int(match.group(2)), match.group(3)


def test_every_example_manifest_validates_without_errors(cli) -> None:
    result = cli("validate", "-f", "manifests/")
    assert result.code == 0, result.output
    for name in sorted(p.name for p in MANIFESTS.glob("*.yaml")):
        assert f"manifests/{name}: ok" in result.out or f"manifests/{name}:" in result.out


def test_every_example_file_has_no_error_diagnostics(cli) -> None:
    for path in sorted(MANIFESTS.glob("*.yaml")):
        result = cli("validate", "-f", str(path.relative_to(ROOT)), "-o", "json")
        found = json.loads(result.out)
        assert [d for d in found if d["severity"] == "error"] == [], path.name
        assert result.code == 0


def test_the_corpus_of_malformed_manifests_is_large_enough() -> None:
    assert len(corpus()) >= 60


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_malformed_manifest_fails_with_its_position_and_message(cli, path: Path) -> None:
    line, column, message = expectation(path)
    rel = str(path.relative_to(ROOT))
    result = cli("validate", "-f", rel)
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    located = [ln for ln in result.output.splitlines() if f"{rel}:{line}:{column}:" in ln]
    assert located, f"no diagnostic at {rel}:{line}:{column}:\n{result.output}"
    assert any(message in ln for ln in located), f"{message!r} not in:\n{result.output}"


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda p: p.name)
def test_real_world_statefulset_manifests_have_no_errors(cli, path: Path) -> None:
    result = cli("validate", "-f", str(path.relative_to(ROOT)), "-o", "json")
    errors = [d for d in json.loads(result.out) if d["severity"] == "error"]
    assert errors == []
    assert result.code == 0


def test_json_output_lists_each_diagnostic_with_its_location(cli) -> None:
    path = next(p for p in corpus() if p.suffix == ".yaml")
    result = cli("validate", "-f", str(path.relative_to(ROOT)), "-o", "json")
    found = json.loads(result.out)
    assert found and set(found[0]) == {"file", "line", "column", "path", "severity", "message"}
    assert result.code == 1


LONELY_SET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: lonely
spec:
  serviceName: nowhere
  replicas: 1
  selector:
    matchLabels:
      app: lonely
  template:
    metadata:
      labels:
        app: lonely
    spec:
      containers:
      - name: app
        image: busybox:1.36
"""


def test_warnings_alone_exit_0_but_1_with_strict(cli, tmp_path: Path) -> None:
    # serviceName names no Service: the API accepts it, so it is a warning, not an error.
    manifest = tmp_path / "lonely.yaml"
    manifest.write_text(LONELY_SET)
    result = cli("validate", "-f", str(manifest))
    assert result.code == 0, result.output
    assert f"{manifest}:6:16: spec.serviceName:" in result.out
    assert cli("validate", "-f", str(manifest), "--strict").code == 1


def test_validate_without_files_is_a_usage_error(cli) -> None:
    result = cli("validate")
    assert result.code == 2
    assert "error: must specify one of -f" in result.err


def test_validate_reads_stdin(monkeypatch: pytest.MonkeyPatch, cli) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO((MANIFESTS / "redis.yaml").read_text()))
    result = cli("validate", "-f", "-")
    assert result.code == 0, result.output
    assert "<stdin>" in result.out


def test_a_malformed_manifest_never_shows_a_traceback_in_a_real_process() -> None:
    bad = next(p for p in corpus() if p.name.startswith("load-"))
    proc = subprocess.run(
        [sys.executable, "-m", "stsctl", "validate", "-f", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr


def test_yaml_1_1_surprises_are_explained_with_the_text_as_written(cli, tmp_path: Path) -> None:
    manifest = tmp_path / "flags.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  labels:\n    enabled: on\n"
        "data:\n  version: 1.10\n"
    )
    result = cli("validate", "-f", str(manifest))
    assert result.code == 1
    assert (
        f"{manifest}:6:14: metadata.labels.enabled: expected string, got boolean true (YAML reads "
        'unquoted yes/no/on/off/true/false as booleans; quote it: "on")'
    ) in result.out
    assert (
        f'{manifest}:8:12: data.version: expected string, got number 1.10 (quote it: "1.10")'
        in (result.out)
    )
