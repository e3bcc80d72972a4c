"""The archive: every delivered file's bytes, by organisation and content hash, and the landing
journal, one JSON line per entry ever seen in the landing folder with its outcome.

The archive is the rebuild source: replaying the journal's files in delivery order into an
empty warehouse reproduces the raw layer, including when each file was delivered.

    <archive>/files/<organisation>/<sha256>/<file name>       the bytes
    <archive>/files/<organisation>/<sha256>/delivery.json     the first delivery of those bytes
    <archive>/landing_journal.jsonl                           every entry seen, with its outcome
    <archive>/decisions.jsonl                                 what people decided (discards)
    <archive>/files/.incoming/                                copies being made (scratch)

Write-ahead: the landing sensor copies a file into `.incoming` (reading it, nothing else),
writes its journal line (fsync), places the copy in the archive, and only then removes the
file from landing. Each step can be re-done: a copy in `.incoming` left by a dead process is
scratch, a journal line written again for the same entry is recognised, a placed copy is
not placed twice. Journal lines hold names as printable UTF-8 (`entry_path`), with the name's
bytes in hex (`entry_path_bytes`) when it is not.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..processes import is_alive
from .landing import LandingEntry, display_path, identity_of, refusal

JOURNAL_NAME = "landing_journal.jsonl"
DECISIONS_NAME = "decisions.jsonl"
DELIVERY_NAME = "delivery.json"
INCOMING = ".incoming"
FILE_ID_UNSAFE = ("...", ",")
MAX_NAME_BYTES = 255


class Refused(Exception):
    """The entry is not read (it became a link, a hard link, another kind of file, or changed
    since it was scanned); the message says why."""


@dataclass(frozen=True)
class Delivery:
    """One file delivery to load: the Dagster partition key is its `file_id`."""

    file_id: str
    organisation: str
    entry_path: str
    file_name: str
    sha256: str
    size_bytes: int
    delivered_at: str
    """ISO 8601 UTC: when the landing sensor first saw the file."""
    modified_ns: int | None = None
    """The delivered file's mtime: with its path and size, tells a delivery re-done after a
    crash from the same bytes delivered again."""

    def archived_file(self, archive_dir: Path) -> Path:
        return _folder(archive_dir, self.organisation, self.sha256) / self.file_name


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def file_id_for(entry_path: str, sha256: str) -> str:
    """A partition key a person can find by file name: '<organisation>/<file>@<sha256[:12]>'."""
    safe = entry_path
    for unsafe in FILE_ID_UNSAFE:
        safe = safe.replace(unsafe, "_")
    safe = "".join(c if c.isprintable() else "_" for c in safe)
    return f"{safe}@{sha256[:12]}"


def _folder(archive_dir: Path, organisation: str, sha256: str) -> Path:
    return archive_dir / "files" / organisation / sha256


def first_delivery(archive_dir: Path, organisation: str, sha256: str) -> Delivery | None:
    """The earlier delivery of the same bytes by the same organisation, if any."""
    meta = _folder(archive_dir, organisation, sha256) / DELIVERY_NAME
    if not meta.is_file():
        return None
    return Delivery(**json.loads(meta.read_text(encoding="utf-8")))


def archive_name(display_name: str) -> str:
    """The archived copy's file name: the display name, shortened (keeping its suffix) when
    escaping made it longer than a file name may be."""
    if len(display_name.encode("utf-8")) <= MAX_NAME_BYTES:
        return display_name
    suffix = Path(display_name).suffix[:16]
    stem = display_name.encode("utf-8")[: MAX_NAME_BYTES - len(suffix.encode()) - 1]
    return stem.decode("utf-8", "ignore") + "~" + suffix


_counter = iter(range(1 << 62))


def copy_to_incoming(
    landing_dir: Path, archive_dir: Path, entry: LandingEntry, durable: bool = True
) -> tuple[Path, str, int]:
    """Copy a file entry's bytes into `<archive>/files/.incoming/` while hashing them; returns
    (the copy, sha256, size). Only reads the delivered file. Refused (`Refused`) when the open
    file is not the regular, single-link file the scan saw (swapped or rewritten since).
    `durable=False` leaves the flush to one `sync_archive` for many copies."""
    source = landing_dir / entry.entry_path
    # Never follow a link, never block on a FIFO swapped in since the scan.
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        why = refusal(info, None)
        if why is None and identity_of(info) != entry.identity:
            why = "changed while it was being read; it is read again once it settles"
        if why is not None:
            raise Refused(why)
        tmp_parent = archive_dir / "files" / INCOMING
        tmp_parent.mkdir(parents=True, exist_ok=True)
        tmp = tmp_parent / f"{os.getpid()}-{next(_counter)}.tmp"
        digest = hashlib.sha256()
        with tmp.open("wb") as out:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
            if durable:
                out.flush()
                os.fsync(out.fileno())
    return tmp, digest.hexdigest(), tmp.stat().st_size


def new_delivery(entry: LandingEntry, sha256: str, size: int, seen_at: datetime) -> Delivery:
    display = entry.display_path
    return Delivery(
        file_id=file_id_for(display, sha256),
        organisation=entry.organisation,
        entry_path=display,
        file_name=archive_name(display.rsplit("/", 1)[-1]),
        sha256=sha256,
        size_bytes=size,
        delivered_at=seen_at.astimezone(UTC).isoformat(),
        modified_ns=entry.modified_ns,
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_archive(archive_dir: Path) -> None:
    """Flush everything written under the archive to disk in one call (syncfs of its file
    system; os.sync where that is missing): what many copies need before their originals leave
    landing, instead of three fsyncs per file."""
    fd = os.open(archive_dir, os.O_RDONLY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if getattr(libc, "syncfs", None) is None or libc.syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def place_in_archive(
    archive_dir: Path, delivery: Delivery, copy: Path | None, durable: bool = True
) -> None:
    """Put a delivery's copy and its delivery.json in place (idempotent: a delivery already
    placed is left as it is and the copy dropped). `durable=False` leaves the flush to one
    `sync_archive` for many deliveries."""
    folder = _folder(archive_dir, delivery.organisation, delivery.sha256)
    if (folder / DELIVERY_NAME).is_file():
        if copy is not None:
            copy.unlink(missing_ok=True)
        return
    folder.mkdir(parents=True, exist_ok=True)
    if copy is not None:
        copy.replace(folder / delivery.file_name)
    meta_tmp = folder / f".{DELIVERY_NAME}.tmp"
    with meta_tmp.open("w", encoding="utf-8") as out:
        out.write(json.dumps(asdict(delivery), indent=2))
        if durable:
            out.flush()
            os.fsync(out.fileno())
    meta_tmp.replace(folder / DELIVERY_NAME)
    if durable:
        _fsync_dir(folder)


def archive_delivery(
    landing_dir: Path, archive_dir: Path, entry: LandingEntry, seen_at: datetime
) -> tuple[Delivery, Delivery | None]:
    """Copy a file entry's bytes into the archive; returns (this delivery, the earlier delivery
    of the same bytes by the same organisation or None). The sensor does the same in steps,
    journalling in between (see the module docstring)."""
    copy, sha256, size = copy_to_incoming(landing_dir, archive_dir, entry)
    delivery = new_delivery(entry, sha256, size, seen_at)
    earlier = first_delivery(archive_dir, entry.organisation, sha256)
    if earlier is not None:
        copy.unlink()
        return delivery, earlier
    place_in_archive(archive_dir, delivery, copy)
    return delivery, None


def archived_deliveries(archive_dir: Path) -> list[Delivery]:
    """Every delivery placed in the archive (one delivery.json each)."""
    return [
        Delivery(**json.loads(meta.read_text(encoding="utf-8")))
        for meta in sorted((archive_dir / "files").glob(f"*/*/{DELIVERY_NAME}"))
    ]


def clean_incoming(archive_dir: Path) -> int:
    """Remove the copies in `.incoming` left by ticks that died or failed mid-way (scratch: the
    delivered file is still in landing), keeping only those of other live processes (a tick
    under way elsewhere). Called before a tick copies anything. Returns how many."""
    removed = 0
    folder = archive_dir / "files" / INCOMING
    if not folder.is_dir():
        return 0
    for tmp in folder.iterdir():
        pid = tmp.name.split("-", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or not is_alive(int(pid))):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed

    return True


def find_delivery(archive_dir: Path, file_id: str) -> Delivery | None:
    """The archived delivery behind a partition key."""
    entry_path, _, prefix = file_id.rpartition("@")
    organisation = entry_path.split("/", 1)[0]
    base = archive_dir / "files" / organisation
    if not prefix or not base.is_dir():
        return None
    for folder in sorted(base.glob(f"{prefix}*")):
        meta = folder / DELIVERY_NAME
        if meta.is_file():
            delivery = Delivery(**json.loads(meta.read_text(encoding="utf-8")))
            if delivery.file_id == file_id:
                return delivery
    return None


def journal_path(archive_dir: Path) -> Path:
    return archive_dir / JOURNAL_NAME


def _printable(value):
    """A journal value as valid UTF-8 (a reason may quote a name that is not)."""
    return display_path(value) if isinstance(value, str) else value


def _append_lines(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps({k: _printable(v) for k, v in r.items()}, ensure_ascii=False, sort_keys=True)
        + "\n"
        for r in records
    )
    created = not path.exists()
    with path.open("a+b") as handle:
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                lines = "\n" + lines  # a line torn by a crash stays alone (and is skipped)
        handle.write(lines.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        _fsync_dir(path.parent)


def append_journal(archive_dir: Path, records: list[dict]) -> None:
    """Append entries to the landing journal (one JSON object per line), durably (fsync)."""
    if records:
        _append_lines(journal_path(archive_dir), records)


def _parse_lines(data: bytes) -> list[dict]:
    records = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # empty, or torn by a crash mid-write
    return records


def read_journal(archive_dir: Path) -> list[dict]:
    path = journal_path(archive_dir)
    if not path.is_file():
        return []
    return _parse_lines(path.read_bytes())


def read_journal_tail(archive_dir: Path, offset: int) -> tuple[list[tuple[int, dict]], int]:
    """The journal's records from byte `offset` on, each with its own offset, and the end
    offset: what the sensor wrote since it last confirmed every delivery had its run."""
    path = journal_path(archive_dir)
    if not path.is_file():
        return [], 0
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    found, position = [], offset
    for line in data.splitlines(keepends=True):
        if line.endswith(b"\n"):
            for record in _parse_lines(line):
                found.append((position, record))
        position += len(line)
    return found, offset + len(data)


def entry_key(record: dict) -> tuple:
    """What makes a journal line the same entry (path, type, size, mtime): written twice after
    a crash, it is one entry."""
    return (record["entry_path"], record["entry_type"], record["size_bytes"], record["modified_at"])


def decisions_path(archive_dir: Path) -> Path:
    return archive_dir / DECISIONS_NAME


def record_decision(archive_dir: Path, file_id: str, decision: str, reason: str) -> None:
    """Durably record a person's decision about a delivery (e.g. discarded): it outlives the
    warehouse file, so rebuilds, retries and the sensor honour it."""
    _append_lines(
        decisions_path(archive_dir),
        [
            {
                "file_id": file_id,
                "decision": decision,
                "reason": reason,
                "decided_at": datetime.now(UTC).isoformat(),
            }
        ],
    )


def discarded(archive_dir: Path) -> dict[str, str]:
    """`{file_id: reason}` of the deliveries a person discarded."""
    path = decisions_path(archive_dir)
    if not path.is_file():
        return {}
    return {
        r["file_id"]: r["reason"]
        for r in _parse_lines(path.read_bytes())
        if r.get("decision") == "discarded"
    }


def journal_record(
    entry: LandingEntry,
    seen_at: datetime,
    *,
    outcome: str,
    reason: str | None = None,
    delivery: Delivery | None = None,
    duplicate_of: Delivery | None = None,
) -> dict:
    modified = (
        datetime.fromtimestamp(entry.modified_ns / 1e9, UTC).isoformat()
        if entry.modified_ns is not None
        else None
    )
    return {
        "entry_path": entry.display_path,
        "entry_path_bytes": entry.path_bytes_hex,
        "organisation": entry.organisation,
        "entry_type": entry.entry_type,
        "size_bytes": entry.size_bytes,
        "modified_at": modified,
        "sha256": delivery.sha256 if delivery else None,
        "seen_at": seen_at.astimezone(UTC).isoformat(),
        "outcome": outcome,
        "reason": reason,
        "duplicate_of": duplicate_of.entry_path if duplicate_of else None,
        "file_id": (duplicate_of or delivery).file_id if (duplicate_of or delivery) else None,
    }
