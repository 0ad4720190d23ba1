"""Write completions/ from the command tree: `python tools/gen_completions.py`."""

from __future__ import annotations

from pathlib import Path

import typer.main

from stsctl.cli import completion
from stsctl.cli.app import load_commands


def main() -> None:
    root = typer.main.get_command(load_commands())
    target = Path(__file__).resolve().parent.parent / "completions"
    target.mkdir(exist_ok=True)
    for shell, name in completion.FILES.items():
        (target / name).write_text(completion.script(root, shell))
        print(f"wrote completions/{name}")


if __name__ == "__main__":
    main()
