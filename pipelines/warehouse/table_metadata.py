"""Row counts and column types for the dbt assets, read from the build in one pass after dbt has
finished (DuckDB keeps other connections out while dbt writes), so every dbt asset in the UI shows
its size and schema. The column descriptions dagster-dbt took from the YAML docs are kept."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import dagster as dg
import duckdb

SCHEMA_KEY = "dagster/column_schema"
ROW_COUNT_KEY = "dagster/row_count"


def _event_key(context: dg.AssetExecutionContext, event) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization):
        return event.asset_key
    return None


def _spec_schema(context: dg.AssetExecutionContext, key: dg.AssetKey):
    """The column schema dagster-dbt put on the asset's definition (from the YAML docs)."""
    spec = context.assets_def.specs_by_key.get(key)
    return (spec.metadata or {}).get(SCHEMA_KEY) if spec is not None else None


def relation_facts(
    database: Path, relations: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, list[tuple[str, str]]]]:
    """`{(schema, name): (rows, [(column, type), ...])}` for the relations that exist."""
    wanted = set(relations)
    if not wanted:
        return {}
    with duckdb.connect(str(database), read_only=True) as con:
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, name, column, data_type in con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY schema_name, table_name, "
            "column_index"
        ).fetchall():
            if (schema, name) in wanted:
                columns.setdefault((schema, name), []).append((column, data_type))
        present = sorted(columns)
        counts = {}
        if present:
            query = " UNION ALL ".join(
                f"SELECT '{s}', '{n}', count(*) FROM \"{s}\".\"{n}\"" for s, n in present
            )
            counts = {(s, n): rows for s, n, rows in con.execute(query).fetchall()}
    return {key: (counts[key], columns[key]) for key in present}


def _schema(columns: list[tuple[str, str]], described: dg.TableSchema | None) -> dg.TableSchema:
    descriptions = {c.name: c.description for c in described.columns} if described else {}
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=name, type=data_type, description=descriptions.get(name))
            for name, data_type in columns
        ]
    )


def with_table_metadata(
    context: dg.AssetExecutionContext, events: list, database: Path
) -> Iterator:
    """The dbt events, each materialisation with `dagster/row_count` and `dagster/column_schema`
    (DuckDB types) of its relation in `database`."""
    keyed = [(event, _event_key(context, event)) for event in events]
    relations = {(k.path[0], k.path[-1]) for _, k in keyed if k is not None and len(k.path) == 2}
    facts = relation_facts(database, relations)
    for event, key in keyed:
        fact = facts.get((key.path[0], key.path[-1])) if key is not None else None
        if fact is None:
            yield event
            continue
        rows, columns = fact
        metadata = dict(event.metadata or {})
        described = metadata.get(SCHEMA_KEY) or _spec_schema(context, key)
        if isinstance(described, dg.TableSchemaMetadataValue):
            described = described.schema
        if not isinstance(described, dg.TableSchema):
            described = None
        metadata[ROW_COUNT_KEY] = dg.MetadataValue.int(rows)
        metadata[SCHEMA_KEY] = dg.MetadataValue.table_schema(_schema(columns, described))
        yield event.with_metadata(metadata)
