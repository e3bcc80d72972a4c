"""What is in the landing folder: every entry, classified, without following links.

Organisations deliver into their own folder: `<landing>/<organisation>/<file>`. An entry is one
of: a file to load (a regular `.csv`/`.xlsx`/`.json` file in an organisation folder, unchanged
for the settle time), or an entry that is ignored or rejected with a reason (a link, a
sub-folder, a hidden or partial file, an unsupported type, a file outside any organisation
folder, a hard link, a device, FIFO or socket, a file owned by someone other than the landing
folder's owner, an empty file). Nothing is skipped without a reason, so every entry can be
accounted for, whatever its name: a name that is not UTF-8 or holds a control character is kept
as the file system gives it (`entry_path`, surrogate-escaped) and shown by `display_path`.
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
    def display_path(self) -> str:
        """The path as a person reads it: valid UTF-8, printable (see `display_path`)."""
        return display_path(self.entry_path)

    @property
    def path_bytes_hex(self) -> str | None:
        """The path's bytes in hex when its display form differs from it, else None."""
        if display_path(self.entry_path) == self.entry_path:
            return None
        return os.fsencode(self.entry_path).hex()

    @property
    def identity(self) -> str:
        """Changes whenever the entry is replaced or rewritten (path, type, size, mtime)."""
        return f"{self.entry_type}:{self.size_bytes}:{self.modified_ns}"


def display_path(path: str) -> str:
    """A file-system path as printable UTF-8: bytes that are not UTF-8 as `\\xNN`, control
    characters (a newline in a name) as `\\n`, `\\xNN` or `\\uNNNN`. Names that are printable
    UTF-8 are unchanged."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    escapes = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(
        c
        if c.isprintable()
        else escapes.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")
        for c in text
    )


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


def not_regular_reason(info: os.stat_result) -> str:
    """Why an entry that is neither a file, a folder nor a link is not read."""
    mode = info.st_mode
    if stat.S_ISFIFO(mode):
        what = "a FIFO (named pipe)"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    else:
        what = "not a regular file"
    return f"{what}; only regular files are read"


def refusal(info: os.stat_result, owner_uid: int | None) -> str | None:
    """Why a regular file is not read although its name is fine, or None: only a regular file
    with one link, owned by the landing folder's owner, is read (a hard link could expose any
    file of the machine the submitter can link to)."""
    if not stat.S_ISREG(info.st_mode):
        return not_regular_reason(info)
    if info.st_nlink > 1:
        return (
            f"hard link ({info.st_nlink} names for the same file); only files with one link "
            "are read: deliver a copy"
        )
    if owner_uid is not None and info.st_uid != owner_uid:
        return (
            f"owned by user id {info.st_uid}, not by the landing folder's owner ({owner_uid}); "
            "not read"
        )
    return None


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
                        try:
                            info = inner.stat(follow_symlinks=False)
                        except FileNotFoundError:
                            continue
                        found[f"{name}/{inner.name}"] = identity_of(info)
            else:
                try:
                    found[name] = identity_of(item.stat(follow_symlinks=False))
                except FileNotFoundError:
                    continue
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
    landing_dir: Path,
    settle_seconds: float = 0.0,
    only: set[str] | None = None,
    owner_uid: int | None = None,
) -> list[LandingEntry]:
    """Every entry in the landing folder and its organisation folders, classified (or only the
    entries whose paths are in `only`).

    Files changed within the last `settle_seconds` are left for a later scan (still being
    copied in). Links are never followed: a link is an entry with a reason, wherever it points.
    `owner_uid` is whose files are read (default: the landing folder's owner). An entry that
    vanishes while scanned is left out (it is not delivered); nothing else stops the scan.
    """
    if not landing_dir.is_dir():
        return []
    if owner_uid is None:
        owner_uid = landing_dir.stat().st_uid
    settled_before = (time.time() - settle_seconds) * 1e9
    found: list[LandingEntry] = []

    def add(item, relative, organisation, outcome, reason):
        try:
            kind, size, mtime = _facts(item.stat(follow_symlinks=False))
        except FileNotFoundError:
            return
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
                    found.extend(
                        _scan_organisation(
                            landing_dir / name, name, settled_before, only, owner_uid
                        )
                    )
            elif item.is_file(follow_symlinks=False):
                try:
                    if item.stat(follow_symlinks=False).st_mtime_ns > settled_before:
                        continue
                except FileNotFoundError:
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
                try:
                    why = not_regular_reason(item.stat(follow_symlinks=False))
                except FileNotFoundError:
                    continue
                add(item, name, None, IGNORED, why)
    return found


def _scan_organisation(
    folder: Path,
    organisation: str,
    settled_before: float,
    only: set[str] | None = None,
    owner_uid: int | None = None,
):
    with os.scandir(folder) as entries:
        for item in sorted(entries, key=lambda e: e.name):
            relative = f"{organisation}/{item.name}"
            if only is not None and relative not in only:
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # taken back while scanned: nothing was delivered
            kind, size, mtime = _facts(info)
            if kind == "link":
                outcome, reason = IGNORED, "symbolic link; links are not followed"
            elif kind == "directory":
                outcome, reason = IGNORED, "sub-folders are not read; deliver files directly"
            elif kind == "other":
                outcome, reason = IGNORED, not_regular_reason(info)
            else:
                if mtime > settled_before:
                    continue
                outcome, reason = _classify_file(item.name)
                refused = refusal(info, owner_uid) if outcome == TO_LOAD else None
                if refused:
                    outcome, reason = IGNORED, refused
                elif outcome == TO_LOAD and size == 0:
                    outcome, reason = REJECTED, "the file is empty (0 bytes)"
            yield LandingEntry(relative, organisation, kind, size, mtime, outcome, reason)
