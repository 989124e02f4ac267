"""The warehouse tables and how they are written.

Every table is declared here once, with its DuckDB types. Writes replace a table's rows (or one stage's rows
of it) inside one transaction, so a failed write leaves the warehouse as it was and re-running never
duplicates rows.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

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
}


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


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, keep_published_rows: bool = False) -> None:
    """Create `table` (or add the columns an older one lacks) in the connection's own database.

    In a run's staging database, `keep_published_rows` first copies the published table's rows in (for a
    write that replaces only some rows of it); otherwise the staged table starts empty.
    """
    database = _current_database(con)
    if not table_exists(con, table, database):
        if (
            keep_published_rows
            and table not in APPEND_ONLY
            and database == STAGING
            and _attached(con, PUBLISHED)
            and table_exists(con, table, PUBLISHED)
        ):
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM {PUBLISHED}.main."{table}"')
        else:
            cols = ", ".join(f'"{name}" {kind}' for name, kind in TABLES[table])
            con.execute(f'CREATE TABLE IF NOT EXISTS "{database}".main."{table}" ({cols})')
    _add_missing_columns(con, table, database)


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


def replace_tables(
    con: duckdb.DuckDBPyConnection,
    frames: Mapping[str, pd.DataFrame],
    where: Mapping[str, tuple[str, object]] | None = None,
) -> None:
    """Replace the rows of several tables in one transaction.

    `where` narrows the replacement of a table to the rows whose column equals a value (e.g. one stage's
    quarantine rows); other tables are replaced whole.
    """
    where = where or {}
    for table in frames:
        ensure_table(con, table, keep_published_rows=table in where)
    con.execute("BEGIN TRANSACTION")
    try:
        for table, df in frames.items():
            names = [name for name, _ in TABLES[table]]
            if table in where:
                column, value = where[table]
                con.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', [value])
            else:
                con.execute(f'DELETE FROM "{table}"')
            if len(df):
                con.register("_incoming", df[names])
                con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _incoming')
                con.unregister("_incoming")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def read_table(con: duckdb.DuckDBPyConnection, table: str, where: str = "") -> pd.DataFrame:
    """A table as a DataFrame (empty, with the right columns, when it does not exist yet).

    In a run's staging database a table the run has not written yet is copied in from the published one.
    """
    ensure_table(con, table, keep_published_rows=True)
    return con.execute(f'SELECT * FROM "{table}" {where}').df()
