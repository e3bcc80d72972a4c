"""Landing-folder files: which are ready, their content hash, and the content-addressed archive."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

IGNORED_PREFIXES = (".", "~$")
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass(frozen=True)
class LandingFile:
    path: Path
    sha256: str
    size_bytes: int

    @property
    def name(self) -> str:
        return self.path.name


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def is_candidate(path: Path) -> bool:
    """Hidden files, Office lock files and partial downloads are not submissions."""
    name = path.name
    return (
        path.is_file()
        and not name.startswith(IGNORED_PREFIXES)
        and not name.lower().endswith(IGNORED_SUFFIXES)
    )


def ready_files(landing_dir: Path, settle_seconds: float = 0.0) -> list[LandingFile]:
    """Files in the landing folder (not recursive) that have not changed for `settle_seconds`,
    so a file still being copied in is picked up on a later tick, not half-written."""
    if not landing_dir.is_dir():
        return []
    now = time.time()
    found = []
    for path in sorted(landing_dir.iterdir()):
        if not is_candidate(path):
            continue
        stat = path.stat()
        if now - stat.st_mtime < settle_seconds:
            continue
        found.append(LandingFile(path=path, sha256=sha256_of(path), size_bytes=stat.st_size))
    return found


def archive_path_for(archive_dir: Path, sha256: str, file_name: str) -> Path:
    """Content-addressed location: <archive>/<sha256>/<original file name>."""
    return archive_dir / sha256 / Path(file_name).name


def archive(file: LandingFile, archive_dir: Path) -> Path:
    """Copy the file's bytes into the archive (atomic rename; a no-op when already there)."""
    target = archive_path_for(archive_dir, file.sha256, file.name)
    if target.exists() and sha256_of(target) == file.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(file.path, tmp)
    if sha256_of(tmp) != file.sha256:
        tmp.unlink()
        raise RuntimeError(f"{file.path}: the file changed while it was being archived; try again")
    tmp.replace(target)
    return target


def find_archived(archive_dir: Path, sha256: str) -> Path | None:
    """The archived file with this content hash, if any."""
    folder = archive_dir / sha256
    if not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(files)[0] if files else None
