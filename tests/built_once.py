"""Something expensive built once per test session and shared by the test workers: the first
worker that asks builds it under a file lock in the session's shared temp folder (the others
wait for it); a build that died half-way is started again. Read it; copy it to change it."""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

DONE = ".built"


def built_once(shared_dir: Path, name: str, build: Callable[[Path], None]) -> Path:
    """`shared_dir/name`, made by `build(folder)` unless a finished build is there."""
    root = shared_dir / name
    with (shared_dir / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / DONE).is_file():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            build(root)
            (root / DONE).touch()
    return root
