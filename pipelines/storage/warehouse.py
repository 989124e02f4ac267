"""The warehouse tables and how they are written.

Every table is declared here once, with its DuckDB types. Writes replace a table's rows inside one
transaction, so a failed write leaves the warehouse as it was and re-running never duplicates rows. The
tables in `KEYED` hold rows per document: a write replaces the rows of the documents it names (`Keys`:
delete-then-insert by doc_id, by (stage, doc_id) for quarantine and stage_state), never the whole table,
so a run costs the documents it processes. The others are replaced whole.

Inside a run (the staging database, pipelines/storage/staging.py) a keyed table is never copied: the run's
new rows go to `delta.<table>`, the keys they replace to `delta."_replaced_<table>"`, and `<table>` is a
view of the published rows minus the replaced keys plus the new rows. Publishing deletes the replaced keys
from the warehouse and inserts the new rows, in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

log = logging.getLogger(__name__)

# table -> ordered (column, DuckDB type). The first columns of each are the contract outside scorers read
# (see ../shared/contract/check_warehouse.py); the rest are ours.
TABLES: dict[str, list[tuple[str, str]]] = {
    "raw_pages": [
        ("doc_id", "VARCHAR"),
        ("raw_path", "VARCHAR"),
        ("raw_sha256", "VARCHAR"),
        ("size_bytes", "BIGINT"),
        ("kind", "VARCHAR"),
        ("url", "VARCHAR"),
        ("outlet", "VARCHAR"),
        ("language", "VARCHAR"),
        ("published_date", "DATE"),
        ("charset", "VARCHAR"),  # the manifest's (a fetched page's HTTP header), used when not UTF-8
    ],
    "documents": [
        ("doc_id", "VARCHAR"),
        ("url", "VARCHAR"),
        ("outlet", "VARCHAR"),
        ("title", "VARCHAR"),
        ("published_date", "DATE"),
        ("language", "VARCHAR"),
        ("clean_text", "VARCHAR"),
        ("paywall_truncated", "BOOLEAN"),
        ("raw_path", "VARCHAR"),
        ("raw_sha256", "VARCHAR"),
        ("published_source", "VARCHAR"),
        ("unread_share", "DOUBLE"),
        ("author", "VARCHAR"),
        ("sitename", "VARCHAR"),
        ("n_removed", "INTEGER"),
        ("decode_warning", "VARCHAR"),  # what decoding guessed or replaced (bad bytes, UTF-16 without BOM)
    ],
    "removed_spans": [
        ("doc_id", "VARCHAR"),
        ("text", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("span_no", "INTEGER"),
        ("kind", "VARCHAR"),
        # where the removed text stood: the offset in clean_text at which it was cut out (null: unknown,
        # e.g. a block dropped from the HTML tree before the text was laid out)
        ("char_at", "INTEGER"),
    ],
    # One spaCy parse per document (pipelines/nlp), shared by every extractor: the Doc as DocBin bytes.
    "parses": [
        ("doc_id", "VARCHAR"),
        ("raw_sha256", "VARCHAR"),
        ("model", "VARCHAR"),  # name and version of the spaCy pipeline that parsed it
        ("tokens", "INTEGER"),
        ("sentences", "INTEGER"),
        ("entities", "INTEGER"),
        ("docbin", "BLOB"),
    ],
    "entities": [
        ("entity_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("type", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("parent_id", "VARCHAR"),
        ("lat", "DOUBLE"),
        ("lon", "DOUBLE"),
        ("valid_from", "DATE"),
        ("valid_to", "DATE"),
        ("lineage_id", "VARCHAR"),
        ("source", "VARCHAR"),
    ],
    "entity_aliases": [
        ("entity_id", "VARCHAR"),
        ("alias", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("case_sensitive", "BOOLEAN"),
    ],
    "entity_lineage": [
        ("from_entity_id", "VARCHAR"),
        ("to_entity_id", "VARCHAR"),
        ("relation", "VARCHAR"),
        ("date", "DATE"),
        ("lineage_id", "VARCHAR"),
    ],
    "mentions": [
        ("mention_id", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("char_start", "INTEGER"),
        ("char_end", "INTEGER"),
        ("surface", "VARCHAR"),
        ("entity_type", "VARCHAR"),
        ("entity_id", "VARCHAR"),
        ("method", "VARCHAR"),
        ("cluster_id", "VARCHAR"),  # unknown names: a provisional key shared by the forms of one name
    ],
    "figures": [
        ("figure_id", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("char_start", "INTEGER"),
        ("char_end", "INTEGER"),
        ("surface", "VARCHAR"),
        ("value", "DOUBLE"),
        ("low", "DOUBLE"),
        ("high", "DOUBLE"),
        ("qualifier", "VARCHAR"),
        ("category", "VARCHAR"),
        ("unit", "VARCHAR"),
        ("actor_entity_id", "VARCHAR"),
        ("location_entity_id", "VARCHAR"),
        ("part_of_figure_id", "VARCHAR"),
        ("repeat_of_figure_id", "VARCHAR"),
        ("date_id", "VARCHAR"),
        ("source_entity_id", "VARCHAR"),  # who claims the figure ("according to X", "X said"), linked
        ("source_surface", "VARCHAR"),  # the claimant as the text names it
        ("rule", "VARCHAR"),  # which pattern decided the category and the actor (so a wrong row is explained)
    ],
    "dates": [
        ("date_id", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("char_start", "INTEGER"),
        ("char_end", "INTEGER"),
        ("surface", "VARCHAR"),
        ("date_start", "DATE"),
        ("date_end", "DATE"),
        ("granularity", "VARCHAR"),
        ("resolved", "BOOLEAN"),
        ("anchor", "VARCHAR"),
    ],
    "figure_flags": [
        ("figure_id", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("check_name", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("other_figure_id", "VARCHAR"),
    ],
    # One row per check per run (provenance, Great Expectations and figure checks); a re-run of the same
    # run replaces its row, so quality is queryable over time.
    "dq_results": [
        ("run_id", "VARCHAR"),
        ("checked_at", "TIMESTAMP"),
        ("asset", "VARCHAR"),
        ("check_name", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("passed", "BOOLEAN"),
        ("failing_rows", "BIGINT"),
        ("total_rows", "BIGINT"),
    ],
    "unknown_names": [
        ("cluster_id", "VARCHAR"),
        ("entity_type", "VARCHAR"),
        ("name", "VARCHAR"),
        ("mentions", "BIGINT"),
        ("documents", "BIGINT"),
        ("surfaces", "VARCHAR"),
        ("first_seen", "DATE"),
        ("last_seen", "DATE"),
    ],
    "quarantine": [
        ("raw_path", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("raw_sha256", "VARCHAR"),
        ("check_name", "VARCHAR"),  # the contract, check or cap that refused the document
        ("sample", "VARCHAR"),  # a short sample of what failed (values, the offending line)
    ],
    # One row per published run: what it read, what it wrote. A warehouse is built from one raw directory.
    "ledger_runs": [
        ("run_id", "VARCHAR"),
        ("raw_dir", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("published_at", "TIMESTAMP"),
        ("pages", "BIGINT"),
        ("documents", "BIGINT"),
        ("quarantined", "BIGINT"),
        ("tables", "VARCHAR"),  # the tables this run replaced, comma-separated
    ],
    # What each stage last did with each document: the fingerprint of its inputs and code version
    # (pipelines/storage/incremental.py). A document whose fingerprint is unchanged is not processed again.
    "stage_state": [
        ("stage", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("fingerprint", "VARCHAR"),
    ],
}

# Tables whose rows belong to documents, replaced by key: table -> whether the key includes `stage`.
KEYED: dict[str, bool] = {
    "raw_pages": False,
    "documents": False,
    "removed_spans": False,
    "parses": False,
    "mentions": False,
    "dates": False,
    "figures": False,
    "figure_flags": False,
    "quarantine": True,
    "stage_state": True,
}
DELTA = "delta"  # the staging schema of a run's new rows of keyed tables


@dataclass(frozen=True)
class Keys:
    """Which rows of a keyed table a write replaces: those of `docs` (None: all; an empty set: none, the
    write appends), and for tables keyed by stage, only `stage`'s rows (whose rows tied to no document go
    with any write of the stage)."""

    stage: str | None = None
    docs: frozenset[str] | None = None


def replaced(table: str) -> str:
    return f'{DELTA}."_replaced_{table}"'


# Inside a run, a connection is to the run's staging database (in memory), with the published warehouse
# attached read-only under this name: a table the run has not written yet is read from there (and copied in
# when the run changes only some of its rows). See pipelines/storage/staging.py.
PUBLISHED = "published"
STAGING = "memory"
# Tables a run appends to, keyed by run: staging holds only this run's rows, publishing replaces them by key.
APPEND_ONLY: dict[str, str] = {"dq_results": "run_id", "ledger_runs": "run_id"}


def _current_database(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def table_exists(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> bool:
    database = database or _current_database(con)
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
            "AND table_name = ?",
            [database, table],
        ).fetchone()[0]
    )


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: str, database: str) -> None:
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
            "AND table_name = ?",
            [database, table],
        ).fetchall()
    }
    for name, kind in TABLES[table]:
        if name not in have:
            log.info("adding column %s.%s", table, name)
            con.execute(f'ALTER TABLE "{database}".main."{table}" ADD COLUMN "{name}" {kind}')


def ensure_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create `table` (or add the columns an older one lacks) in the connection's own database.

    In a run's staging database a keyed table is its delta and merge view (see the module docstring); a
    whole table starts empty (`read_table` copies the published rows in for a read).
    """
    database = _current_database(con)
    if table in KEYED and in_staging(con):
        _ensure_delta(con, table)
        return
    if not table_exists(con, table, database):
        cols = ", ".join(f'"{name}" {kind}' for name, kind in TABLES[table])
        con.execute(f'CREATE TABLE IF NOT EXISTS "{database}".main."{table}" ({cols})')
    _add_missing_columns(con, table, database)


def _columns_in(con: duckdb.DuckDBPyConnection, table: str, database: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
            "AND table_name = ?",
            [database, table],
        ).fetchall()
    }


def _match(table: str, row: str, key: str) -> str:
    """SQL: the replaced key `key` covers the row `row` of `table`."""
    docs = f"({key}.whole OR {key}.doc_id = {row}.doc_id"
    if KEYED[table]:
        return f"{key}.stage = {row}.stage AND {docs} OR {row}.doc_id IS NULL)"
    return docs + ")"


def _ensure_delta(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The staging delta of a keyed table, and the view `table` = published rows not replaced + new rows."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ?",
        [STAGING, DELTA, table],
    ).fetchone()[0]
    if exists:
        return
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STAGING}.{DELTA}")
    cols = ", ".join(f'"{name}" {kind}' for name, kind in TABLES[table])
    con.execute(f'CREATE TABLE {STAGING}.{DELTA}."{table}" ({cols})')
    con.execute(f"CREATE TABLE {STAGING}.{replaced(table)} (stage VARCHAR, doc_id VARCHAR, whole BOOLEAN)")
    names = ", ".join(f'"{name}"' for name, _ in TABLES[table])
    new_rows = f'SELECT {names} FROM {STAGING}.{DELTA}."{table}"'
    if _attached(con, PUBLISHED) and table_exists(con, table, PUBLISHED):
        have = _columns_in(con, table, PUBLISHED)
        old = ", ".join(
            f'p."{name}"' if name in have else f'CAST(NULL AS {kind}) AS "{name}"'
            for name, kind in TABLES[table]
        )
        view = (
            f'SELECT {old} FROM {PUBLISHED}.main."{table}" p WHERE NOT EXISTS '
            f"(SELECT 1 FROM {STAGING}.{replaced(table)} r WHERE {_match(table, 'p', 'r')}) "
            f"UNION ALL {new_rows}"
        )
    else:
        view = new_rows
    con.execute(f'CREATE VIEW {STAGING}.main."{table}" AS {view}')


def in_staging(con: duckdb.DuckDBPyConnection) -> bool:
    """The connection is a run's staging database (made by `make_staging`), not any in-memory database."""
    return _current_database(con) == STAGING and bool(
        con.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE database_name = ? AND schema_name = ?",
            [STAGING, DELTA],
        ).fetchone()[0]
    )


def run_docs(con: duckdb.DuckDBPyConnection, table: str, stage: str | None = None) -> set[str] | None:
    """In a run's staging: the documents this run wrote rows of `table` for (with `stage`: the rows of that
    stage). None outside a run, where every document counts."""
    if not in_staging(con):
        return None
    ensure_table(con, table)
    where, params = ("WHERE stage = ?", [stage]) if stage else ("", [])
    rows = con.execute(f'SELECT DISTINCT doc_id FROM {DELTA}."{table}" {where}', params).fetchall()
    return {d for (d,) in rows if d is not None}


def make_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Every keyed table's delta and view in a run's staging database (RunStage.open)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STAGING}.{DELTA}")
    for table in KEYED:
        _ensure_delta(con, table)


def _copy_published(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Make `table` readable: in staging, a whole table not written yet starts as the published rows."""
    database = _current_database(con)
    if (
        database == STAGING
        and not (table in KEYED and in_staging(con))
        and table not in APPEND_ONLY
        and not table_exists(con, table, database)
        and _attached(con, PUBLISHED)
        and table_exists(con, table, PUBLISHED)
    ):
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM {PUBLISHED}.main."{table}"')
    ensure_table(con, table)


def _attached(con: duckdb.DuckDBPyConnection, database: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [database]).fetchone()[
            0
        ]
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and add columns that an older warehouse lacks (a warehouse file, not staging)."""
    if _current_database(con) == STAGING:
        return  # staging creates each table when it is first written or read
    for table in TABLES:
        ensure_table(con, table)


def empty_frame(table: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name, _ in TABLES[table]})


def frame(table: str, rows: list[Mapping]) -> pd.DataFrame:
    """Rows as a DataFrame with exactly the table's columns, in order (missing keys become nulls)."""
    names = [name for name, _ in TABLES[table]]
    if not rows:
        return empty_frame(table)
    unknown = set().union(*(r.keys() for r in rows)) - set(names)
    if unknown:
        raise KeyError(f"{table}: rows carry columns the table does not have: {sorted(unknown)}")
    return pd.DataFrame([{n: r.get(n) for n in names} for r in rows], columns=names).astype(object)


def _key_rows(table: str, keys: Keys) -> pd.DataFrame:
    if keys.docs is None:
        return pd.DataFrame({"stage": [keys.stage], "doc_id": [None], "whole": [True]}, dtype=object)
    docs = sorted(keys.docs)
    return pd.DataFrame(
        {"stage": [keys.stage] * len(docs), "doc_id": docs, "whole": [False] * len(docs)}, dtype=object
    )


def _delete_keys(con: duckdb.DuckDBPyConnection, target: str, table: str, keys: str) -> None:
    """Delete from `target` (a table) the rows that the key table `keys` covers."""
    covered = f"SELECT 1 FROM {keys} r WHERE {_match(table, 't', 'r')}"
    con.execute(f"DELETE FROM {target} AS t WHERE EXISTS ({covered})")


def replace_tables(
    con: duckdb.DuckDBPyConnection,
    frames: Mapping[str, pd.DataFrame],
    keys: Mapping[str, Keys] | None = None,
) -> None:
    """Replace the rows of several tables in one transaction.

    A table named in `keys` (a keyed table) has the rows of those keys replaced; other tables are replaced
    whole. In a run's staging database keyed rows go to the run's delta (see the module docstring).
    """
    keys = keys or {}
    staging = in_staging(con)
    for table in frames:
        if table in keys and table not in KEYED:
            raise ValueError(f"{table} is not keyed by document: it is replaced whole")
        ensure_table(con, table)
    con.execute("BEGIN TRANSACTION")
    try:
        for table, df in frames.items():
            names = [name for name, _ in TABLES[table]]
            key = keys.get(table, Keys() if table in KEYED else None)
            if key is None:
                con.execute(f'DELETE FROM "{table}"')
                target = f'"{table}"'
            else:
                con.register("_keys", _key_rows(table, key))
                if staging:
                    con.execute(f"INSERT INTO {replaced(table)} SELECT * FROM _keys")
                    target = f'{DELTA}."{table}"'
                else:
                    target = f'"{table}"'
                if key.docs is None or key.docs:
                    _delete_keys(con, target, table, "_keys")
                con.unregister("_keys")
            if len(df):
                con.register("_incoming", df[names])
                con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _incoming")
                con.unregister("_incoming")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def read_docs(
    con: duckdb.DuckDBPyConnection,
    table: str,
    doc_ids: Iterable[str] | None,
    columns: str = "*",
    order: str = "doc_id",
) -> pd.DataFrame:
    """The rows of `doc_ids` (None: all rows) of a keyed table, ordered."""
    ensure_table(con, table)
    if doc_ids is None:
        return con.execute(f'SELECT {columns} FROM "{table}" ORDER BY {order}').df()
    con.register("_wanted", pd.DataFrame({"doc_id": sorted(set(doc_ids))}, dtype=object))
    try:
        return con.execute(
            f'SELECT {columns} FROM "{table}" WHERE doc_id IN (SELECT doc_id FROM _wanted) ORDER BY {order}'
        ).df()
    finally:
        con.unregister("_wanted")


def read_table(con: duckdb.DuckDBPyConnection, table: str, where: str = "") -> pd.DataFrame:
    """A table as a DataFrame (empty, with the right columns, when it does not exist yet).

    In a run's staging database a whole table the run has not written yet is copied in from the published
    one (a keyed table is read through its view, never copied).
    """
    _copy_published(con, table)
    return con.execute(f'SELECT * FROM "{table}" {where}').df()
