"""The archive: every delivered file's bytes, by organisation and content hash, and the landing
journal, one JSON line per entry ever seen in the landing folder with its outcome.

The archive is the rebuild source: replaying the journal's files in delivery order into an
empty warehouse reproduces the raw layer, including when each file was delivered.

    <archive>/files/<organisation>/<sha256>/<file name>       the bytes
    <archive>/files/<organisation>/<sha256>/delivery.json     the first delivery of those bytes
    <archive>/landing_journal.jsonl                           every entry seen, with its outcome
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .landing import LandingEntry

JOURNAL_NAME = "landing_journal.jsonl"
DELIVERY_NAME = "delivery.json"
FILE_ID_UNSAFE = ("...", ",")


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


def archive_delivery(
    landing_dir: Path, archive_dir: Path, entry: LandingEntry, seen_at: datetime
) -> tuple[Delivery, Delivery | None]:
    """Copy a file entry's bytes into the archive; returns (this delivery, the earlier delivery
    of the same bytes by the same organisation or None). The copy is checked against the hash
    (a file rewritten while copied is refused) and lands by atomic rename."""
    source = landing_dir / entry.entry_path
    # Never follow a link, even if the entry was swapped for one since the scan.
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        digest, tmp_parent = hashlib.sha256(), archive_dir / "files" / ".incoming"
        tmp_parent.mkdir(parents=True, exist_ok=True)
        tmp = tmp_parent / f"{os.getpid()}-{entry.name}.tmp"
        with tmp.open("wb") as out:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    sha256 = digest.hexdigest()
    earlier = first_delivery(archive_dir, entry.organisation, sha256)
    delivery = Delivery(
        file_id=file_id_for(entry.entry_path, sha256),
        organisation=entry.organisation,
        entry_path=entry.entry_path,
        file_name=entry.name,
        sha256=sha256,
        size_bytes=tmp.stat().st_size,
        delivered_at=seen_at.astimezone(UTC).isoformat(),
    )
    if earlier is not None:
        tmp.unlink()
        return delivery, earlier
    folder = _folder(archive_dir, entry.organisation, sha256)
    folder.mkdir(parents=True, exist_ok=True)
    tmp.replace(folder / entry.name)
    meta_tmp = folder / f".{DELIVERY_NAME}.tmp"
    meta_tmp.write_text(json.dumps(asdict(delivery), indent=2), encoding="utf-8")
    meta_tmp.replace(folder / DELIVERY_NAME)
    return delivery, None


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


def append_journal(archive_dir: Path, records: list[dict]) -> None:
    """Append entries to the landing journal (one JSON object per line)."""
    if not records:
        return
    archive_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    with journal_path(archive_dir).open("a", encoding="utf-8") as handle:
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())


def read_journal(archive_dir: Path) -> list[dict]:
    path = journal_path(archive_dir)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


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
        "entry_path": entry.entry_path,
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
