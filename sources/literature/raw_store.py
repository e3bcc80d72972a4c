"""Raw page files: every page a connector fetched, byte for byte, under
`<root>/<source>/<query_id>/<run_id>/page-0001.json`, with a `manifest.json` per run listing each
page (position, URL, fetched at, SHA-256, record count) and each quarantined page (its reason,
and its body as `page-0003.bad` when there was one). The loader reads these files into DuckDB."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..http_client import redact_url

DEFAULT_RAW_DIR = "warehouse/raw/literature"
REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "manifest.json"


def raw_dir_from_env() -> Path:
    """LT_LITERATURE_RAW_DIR, relative paths resolved from the repository root."""
    path = Path(os.environ.get("LT_LITERATURE_RAW_DIR") or DEFAULT_RAW_DIR).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def new_run_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class RunWriter:
    """Writes one run's pages and keeps its manifest up to date after every page."""

    folder: Path
    source: str
    query_id: str
    run_id: str
    request: dict
    pages: list[dict] = field(default_factory=list)
    started_at: str = field(default_factory=_now_text)

    @property
    def next_page(self) -> int:
        return len(self.pages) + 1

    def write_page(self, *, position: str, url: str, body: bytes, records: int) -> dict:
        """Store a good page as received; returns its manifest entry."""
        name = f"page-{self.next_page:04d}.json"
        return self._add(name, body, position=position, url=url, records=records, status="ok")

    def quarantine_page(
        self, *, position: str, url: str, reason: str, body: bytes | None = None
    ) -> dict:
        """Record a page that could not be used, with its reason (and body, if any)."""
        name = f"page-{self.next_page:04d}.bad" if body is not None else None
        return self._add(
            name,
            body,
            position=position,
            url=url,
            records=None,
            status="quarantined",
            reason=reason,
        )

    def _add(self, name, body, *, position, url, records, status, reason=None) -> dict:
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {
            "page": self.next_page,
            "file": name,
            "status": status,
            "position": position,
            "url": redact_url(url),
            "fetched_at": _now_text(),
            "sha256": hashlib.sha256(body).hexdigest() if body is not None else None,
            "bytes": len(body) if body is not None else None,
            "records": records,
            "reason": reason,
        }
        if name is not None:
            _atomic_write(self.folder / name, body)
        self.pages.append(entry)
        self._write_manifest()
        return entry

    def _write_manifest(self) -> None:
        manifest = {
            "source": self.source,
            "query_id": self.query_id,
            "run_id": self.run_id,
            "started_at": self.started_at,
            "request": self.request,
            "pages": self.pages,
        }
        _atomic_write(self.folder / MANIFEST, json.dumps(manifest, indent=1).encode())


@dataclass(frozen=True)
class RawStore:
    root: Path

    @classmethod
    def from_env(cls) -> RawStore:
        return cls(raw_dir_from_env())

    def start_run(self, source: str, query_id: str, run_id: str, request: dict) -> RunWriter:
        folder = self.root / source / query_id / run_id
        if (folder / MANIFEST).exists():
            raise FileExistsError(f"run folder {folder} already holds a manifest")
        return RunWriter(folder, source, query_id, run_id, request)

    def manifests(self, source: str | None = None) -> list[Path]:
        pattern = f"{source or '*'}/*/*/{MANIFEST}"
        return sorted(self.root.glob(pattern))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
