"""Make a copy of the project whose hot modules are compiled in place (the `STSCTL_NATIVE=1`
build of `setup.py`), for running the test suite or the benchmarks against the compiled build.

Usage: python tools/native_tree.py DEST   (needs mypy and a C compiler; prints DEST when done)

Run commands from DEST (or with DEST first on `PYTHONPATH`): its extension modules then take the
place of their sources. DEST is made afresh, unless it was compiled from the same sources: then
only its other files (tests, manifests, docs) are copied again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SKIP = shutil.ignore_patterns(
    ".git", ".ci", "build", "dist", "*.egg-info", "__pycache__", "*.so", ".*_cache", ".venv",
    ".hypothesis",
)  # fmt: skip
_STAMP = ".native-sources"


def sources_digest(root: Path = ROOT) -> str:
    """A digest of everything the compiled modules are made from."""
    digest = hashlib.sha256()
    files = sorted((root / "stsctl").rglob("*.py"))
    files += [root / "setup.py", root / "tools" / "build_backend.py", root / "pyproject.toml"]
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_native_tree(dest: Path, root: Path = ROOT) -> Path:
    """`dest` as a compiled copy of `root` (its compiled modules reused when they were made
    from the same sources)."""
    dest = dest.resolve()
    digest = sources_digest(root)
    stamp = dest / _STAMP
    if stamp.is_file() and stamp.read_text() == digest:
        shutil.copytree(root, dest, ignore=_SKIP, dirs_exist_ok=True)
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(root, dest, ignore=_SKIP)
    env = dict(os.environ, STSCTL_NATIVE="1")
    built = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=dest,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if built.returncode != 0:
        # mypyc reports type errors on stdout: show them, not only the exit status
        sys.stdout.write(built.stdout)
        built.check_returncode()
    stamp.write_text(digest)
    return dest


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(build_native_tree(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
