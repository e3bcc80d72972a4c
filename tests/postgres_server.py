"""A throwaway PostgreSQL server for tests: Debian's binaries (/usr/lib/postgresql/<ver>/bin, or
LT_PG_BIN_DIR), a fresh data directory, loopback only, a free port, trust auth; stopped and
deleted afterwards. initdb and postgres refuse to run as root, so as root they run as the
`postgres` user (which owns the data directory)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "lt"


def find_bin_dir() -> Path | None:
    configured = os.environ.get("LT_PG_BIN_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    return next((c for c in candidates if (c / "initdb").is_file()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    log: Path | None = None
    """The server's log (its errors: e.g. a DuckLake commit that lost a race and was retried)."""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg2

        con = psycopg2.connect(self.url())
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        con.close()
        return self.url(name)


@contextmanager
def postgres_server(bin_dir: Path):
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    root = Path(tempfile.mkdtemp(prefix="lt-pg-"))
    data = root / "data"
    if as_root:
        shutil.chown(root, "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, text=True)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
            "-w", "-t", "60", "start")  # fmt: skip
        try:
            yield PostgresServer("127.0.0.1", port, USER, root / "log")
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    except subprocess.CalledProcessError as exc:
        log = root / "log"
        detail = log.read_text()[-2000:] if log.exists() else ""
        raise RuntimeError(f"{exc.cmd[len(run_as)]} failed: {exc.stderr}{detail}") from exc
    finally:
        shutil.rmtree(root, ignore_errors=True)
