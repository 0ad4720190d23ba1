"""Shell completion: the committed scripts are what the CLI generates today."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import typer.main

from stsctl.cli import completion
from stsctl.cli.app import load_commands
from tests.conftest import ROOT


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_committed_completion_script_is_current(shell: str) -> None:
    root = typer.main.get_command(load_commands())
    committed = (ROOT / "completions" / completion.FILES[shell]).read_text()
    assert committed == completion.script(root, shell), (
        "completions/ is stale: run `python tools/gen_completions.py`"
    )


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_completion_command_prints_the_script(cli, shell: str) -> None:
    result = cli("completion", shell)
    assert result.code == 0
    assert result.out == (ROOT / "completions" / completion.FILES[shell]).read_text()


def test_completion_rejects_an_unknown_shell(cli) -> None:
    result = cli("completion", "tcsh")
    assert result.code == 2
    assert 'unsupported shell type "tcsh"' in result.err


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_verbs_and_flags() -> None:
    script = ROOT / "completions" / completion.FILES["bash"]
    probe = f"""
source {script}
COMP_WORDS=(stsctl val); COMP_CWORD=1; _stsctl_completion; echo "${{COMPREPLY[@]}}"
COMP_WORDS=(stsctl validate --st); COMP_CWORD=2; _stsctl_completion; echo "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["validate", "--strict"]
