"""Storage: the warehouse's tables (DDL), pandera contracts, and transactional replace-writes to DuckDB."""

from pipelines.storage.warehouse import TABLES, ensure_schema, read_table, replace_tables

__all__ = ["TABLES", "ensure_schema", "read_table", "replace_tables"]
