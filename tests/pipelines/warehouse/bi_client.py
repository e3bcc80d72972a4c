"""A BI tool's client, run as its own process by the BI-access test: SQLAlchemy over
duckdb-engine on the published copy, read-only.

    python -m tests.pipelines.warehouse.bi_client poll|hold <published> <stop file> <result>

`poll` reads with a new engine each time (inspect the columns, a pandas read, then dispose: a
dashboard refresh); `hold` keeps one connection open. Both print `ready` after their first read
and, once the stop file appears, read once more and write what they saw to the result file.
(They are separate processes because DuckDB shares one database instance per file within a
process: while any connection to the file is open there, new ones see the same snapshot.)"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

COUNT_SQL = "SELECT count(*) AS n FROM marts.dim_programme"


def url(published: Path) -> str:
    return f"duckdb:///{published}?access_mode=read_only"


def read_once(published: Path) -> dict:
    engine = sa.create_engine(url(published))
    try:
        with engine.connect() as con:
            columns = sa.inspect(con).get_columns("dim_programme", schema="marts")
            frame = pd.read_sql(COUNT_SQL, con)
        return {"ok": True, "columns": len(columns), "programmes": int(frame.n[0])}
    except Exception as error:  # the test reports every failure with its message
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    finally:
        engine.dispose()


def poll(published: Path, stop: Path) -> dict:
    reads = [read_once(published)]
    print("ready", flush=True)
    while not stop.exists():
        reads.append(read_once(published))
        time.sleep(0.5)  # a dashboard's refresh interval, not a wait for the test
    reads.append(read_once(published))
    return {"reads": reads}


def hold(published: Path, stop: Path) -> dict:
    engine = sa.create_engine(url(published))
    with engine.connect() as con:
        before = con.execute(sa.text(COUNT_SQL)).scalar_one()
        print("ready", flush=True)
        while not stop.exists():
            time.sleep(0.2)
        after = con.execute(sa.text(COUNT_SQL)).scalar_one()
    engine.dispose()
    return {"before": before, "after": after}


if __name__ == "__main__":
    mode, published, stop, result = sys.argv[1], *(Path(a) for a in sys.argv[2:5])
    seen = {"poll": poll, "hold": hold}[mode](published, stop)
    result.write_text(json.dumps(seen))
