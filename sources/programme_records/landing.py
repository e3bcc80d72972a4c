"""What is in the landing folder: every entry, classified, without following links.

Organisations deliver into their own folder: `<landing>/<organisation>/<file>`. An entry is one
of: a file to load (a regular `.csv`/`.xlsx`/`.json` file in an organisation folder, unchanged
for the settle time), or an entry that is ignored or rejected with a reason (a link, a
sub-folder, a hidden or partial file, an unsupported type, a file outside any organisation
folder). Nothing is skipped without a reason, so every entry can be accounted for.
"""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .contract import FILE_FORMATS

ORGANISATION_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{1,63}")
"""An organisation folder name: 2-64 lower-case letters, digits, '_' or '-'."""
HIDDEN_PREFIXES = (".", "~$")
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")

TO_LOAD, IGNORED, REJECTED = "to_load", "ignored", "rejected"


@dataclass(frozen=True)
class LandingEntry:
    entry_path: str
    """Path relative to the landing folder, with '/' separators."""
    organisation: str | None
    entry_type: str
    """file, directory, link or other."""
    size_bytes: int | None
    modified_ns: int | None
    outcome: str
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.entry_path.rsplit("/", 1)[-1]

    @property
    def identity(self) -> str:
        """Changes whenever the entry is replaced or rewritten (path, type, size, mtime)."""
        return f"{self.entry_type}:{self.size_bytes}:{self.modified_ns}"


def _facts(info: os.stat_result) -> tuple[str, int | None, int]:
    """(type, size for a regular file, mtime) from an lstat result."""
    if stat.S_ISLNK(info.st_mode):
        kind = "link"
    elif stat.S_ISDIR(info.st_mode):
        kind = "directory"
    elif stat.S_ISREG(info.st_mode):
        kind = "file"
    else:
        kind = "other"
    return kind, info.st_size if kind == "file" else None, info.st_mtime_ns


def _entry(
    item: os.DirEntry, relative: str, organisation: str | None
) -> tuple[str, int | None, int | None]:
    return _facts(item.stat(follow_symlinks=False))


def _classify_file(name: str) -> tuple[str, str | None]:
    lower = name.lower()
    if name.startswith(HIDDEN_PREFIXES):
        return IGNORED, "hidden or office lock file"
    if lower.endswith(PARTIAL_SUFFIXES):
        return IGNORED, "partial download; it is read once renamed to its final name"
    suffix = Path(lower).suffix
    if suffix not in FILE_FORMATS:
        expected = ", ".join(FILE_FORMATS)
        return IGNORED, f"unsupported file type '{suffix or name}' (expected one of {expected})"
    return TO_LOAD, None


def identity_of(info: os.stat_result) -> str:
    """The identity (type, size, mtime) of an entry from its lstat result."""
    kind, size, mtime = _facts(info)
    return f"{kind}:{size}:{mtime}"


def entry_identities(landing_dir: Path) -> dict[str, str]:
    """`{entry path: identity}` for every entry `scan_landing` would report, from one stat each
    and nothing else: the cheap pass a sensor tick compares with its cursor, so only new or
    changed entries are classified and read."""
    found: dict[str, str] = {}
    if not landing_dir.is_dir():
        return found
    with os.scandir(landing_dir) as top:
        for item in top:
            name = item.name
            if (
                item.is_dir(follow_symlinks=False)
                and not name.startswith(HIDDEN_PREFIXES)
                and ORGANISATION_PATTERN.fullmatch(name)
            ):
                with os.scandir(item.path) as entries:
                    for inner in entries:
                        found[f"{name}/{inner.name}"] = identity_of(
                            inner.stat(follow_symlinks=False)
                        )
            else:
                found[name] = identity_of(item.stat(follow_symlinks=False))
    return found


def settle_wait(
    identities: dict[str, str], paths: set[str], settle_seconds: float, now_ns: int | None = None
) -> float:
    """Seconds until every regular file among `paths` (keys of `entry_identities`) has gone
    `settle_seconds` unchanged; 0 when all have."""
    mtimes = [
        int(identities[p].rsplit(":", 1)[1]) for p in paths if identities[p].startswith("file:")
    ]
    if not mtimes:
        return 0.0
    now_ns = time.time_ns() if now_ns is None else now_ns
    return max(0.0, (max(mtimes) + settle_seconds * 1e9 - now_ns) / 1e9)


def scan_landing(
    landing_dir: Path, settle_seconds: float = 0.0, only: set[str] | None = None
) -> list[LandingEntry]:
    """Every entry in the landing folder and its organisation folders, classified (or only the
    entries whose paths are in `only`).

    Files changed within the last `settle_seconds` are left for a later scan (still being
    copied in). Links are never followed: a link is an entry with a reason, wherever it points.
    """
    if not landing_dir.is_dir():
        return []
    settled_before = (time.time() - settle_seconds) * 1e9
    found: list[LandingEntry] = []

    def add(item, relative, organisation, outcome, reason):
        kind, size, mtime = _entry(item, relative, organisation)
        found.append(LandingEntry(relative, organisation, kind, size, mtime, outcome, reason))

    with os.scandir(landing_dir) as top:
        for item in sorted(top, key=lambda e: e.name):
            name = item.name
            is_organisation = (
                item.is_dir(follow_symlinks=False)
                and not name.startswith(HIDDEN_PREFIXES)
                and ORGANISATION_PATTERN.fullmatch(name) is not None
            )
            if only is not None and not is_organisation and name not in only:
                continue
            if item.is_symlink():
                add(item, name, None, IGNORED, "symbolic link; links are not followed")
            elif item.is_dir(follow_symlinks=False):
                if name.startswith(HIDDEN_PREFIXES):
                    add(item, name, None, IGNORED, "hidden folder")
                elif not ORGANISATION_PATTERN.fullmatch(name):
                    add(
                        item,
                        name,
                        None,
                        IGNORED,
                        "not an organisation folder name (2-64 lower-case letters, digits, "
                        "'_' or '-'); its contents are not read",
                    )
                else:
                    found.extend(_scan_organisation(landing_dir / name, name, settled_before, only))
            elif item.is_file(follow_symlinks=False):
                if item.stat(follow_symlinks=False).st_mtime_ns > settled_before:
                    continue
                outcome, reason = _classify_file(name)
                if outcome == TO_LOAD:
                    outcome, reason = (
                        REJECTED,
                        "delivered outside an organisation folder; deliver files into "
                        "<landing folder>/<organisation>/",
                    )
                add(item, name, None, outcome, reason)
            else:
                add(item, name, None, IGNORED, "not a regular file")
    return found


def _scan_organisation(
    folder: Path, organisation: str, settled_before: float, only: set[str] | None = None
):
    with os.scandir(folder) as entries:
        for item in sorted(entries, key=lambda e: e.name):
            relative = f"{organisation}/{item.name}"
            if only is not None and relative not in only:
                continue
            kind, size, mtime = _entry(item, relative, organisation)
            if kind == "link":
                outcome, reason = IGNORED, "symbolic link; links are not followed"
            elif kind == "directory":
                outcome, reason = IGNORED, "sub-folders are not read; deliver files directly"
            elif kind == "other":
                outcome, reason = IGNORED, "not a regular file"
            else:
                if mtime > settled_before:
                    continue
                outcome, reason = _classify_file(item.name)
            yield LandingEntry(relative, organisation, kind, size, mtime, outcome, reason)
