"""unknown_names: the names the knowledge base does not know yet, most frequent first, for analysts to add."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import table_metadata
from pipelines.entities.mention import NATIONALITY_METHOD
from pipelines.storage.warehouse import read_table
from pipelines.storage.writes import write_stage

# Nationality words ("Syrian", "Kurds") are mentions, typed by their role, but no names to add.
UNKNOWN_NAMES_SQL = f"""
select coalesce(m.cluster_id, 'new:' || m.entity_type || ':' || lower(m.surface)) as cluster_id,
       m.entity_type,
       mode(m.surface) as name,
       count(*) as mentions,
       count(distinct m.doc_id) as documents,
       string_agg(distinct m.surface, ' | ' order by m.surface) as surfaces,
       min(d.published_date) as first_seen,
       max(d.published_date) as last_seen
from mentions m join documents d using (doc_id)
where m.entity_id is null and m.method <> '{NATIONALITY_METHOD}'
group by all
order by documents desc, mentions desc, name
"""


@dg.asset(
    deps=["mentions"],
    group_name="marts",
    kinds={"duckdb"},
    description="Names found in the text that the knowledge base does not know (unlinked mentions), grouped "
    "by their provisional cluster key and ranked by how many documents use them: the list of names an "
    "analyst should add to pipelines/entities/kb/.",
)
def unknown_names(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        read_table(con, "mentions", "LIMIT 0")  # creates the tables on a new warehouse
        df = con.execute(UNKNOWN_NAMES_SQL).df()
        write_stage(con, "unknown_names", {"unknown_names": df})
    context.log.info(f"{len(df)} unknown names")
    return dg.MaterializeResult(
        metadata={
            **table_metadata(df, ["name", "entity_type", "documents", "mentions", "surfaces"]),
            "by_type": dg.MetadataValue.json(df["entity_type"].value_counts().to_dict() if len(df) else {}),
        }
    )
