"""SQL views that roll entity mentions up by lineage (for the lead's DuckDB warehouse).

Tables assumed: entities(entity_id, name, type, lineage_id, ...), entity_lineage(from_entity_id,
to_entity_id, relation, date, lineage_id) and mentions(doc_id, start, end, surface, entity_type,
entity_id, method, ...). Views:
- entity_lineage_members: every entity with the lineage it belongs to and that lineage's name
  (the name of its latest member), ordered by `valid_from`;
- mentions_by_lineage: one row per lineage and document, with mention counts and the member names used;
- lineage_mention_totals: one row per lineage over the whole corpus;
- umbrella_mentions: mentions of member groups rolled up to the umbrella or coalition they joined.
"""

from __future__ import annotations


def lineage_view_sql() -> list[str]:
    """CREATE OR REPLACE VIEW statements, in dependency order."""
    return [
        """
CREATE OR REPLACE VIEW entity_lineage_members AS
WITH ranked AS (
    SELECT
        e.lineage_id,
        e.entity_id,
        e.name,
        e.type,
        e.valid_from,
        e.valid_to,
        row_number() OVER (
            PARTITION BY e.lineage_id ORDER BY e.valid_from DESC NULLS LAST, e.entity_id
        ) AS recency
    FROM entities e
)
SELECT
    r.lineage_id,
    (SELECT r2.name FROM ranked r2 WHERE r2.lineage_id = r.lineage_id AND r2.recency = 1) AS lineage_name,
    r.entity_id,
    r.name,
    r.type,
    r.valid_from,
    r.valid_to
FROM ranked r
""".strip(),
        """
CREATE OR REPLACE VIEW mentions_by_lineage AS
SELECT
    lm.lineage_id,
    lm.lineage_name,
    m.doc_id,
    count(*) AS mention_count,
    count(DISTINCT m.entity_id) AS member_count,
    string_agg(DISTINCT lm.name, ' | ' ORDER BY lm.name) AS members_named
FROM mentions m
JOIN entity_lineage_members lm ON lm.entity_id = m.entity_id
GROUP BY lm.lineage_id, lm.lineage_name, m.doc_id
""".strip(),
        """
CREATE OR REPLACE VIEW lineage_mention_totals AS
SELECT
    lineage_id,
    lineage_name,
    sum(mention_count) AS mention_count,
    count(DISTINCT doc_id) AS document_count
FROM mentions_by_lineage
GROUP BY lineage_id, lineage_name
""".strip(),
        """
CREATE OR REPLACE VIEW umbrella_mentions AS
SELECT
    l.to_entity_id AS umbrella_id,
    u.name AS umbrella_name,
    m.doc_id,
    m.entity_id AS member_id,
    e.name AS member_name,
    l.date AS joined_on,
    count(*) AS mention_count
FROM mentions m
JOIN entity_lineage l ON l.from_entity_id = m.entity_id AND l.relation = 'member_of'
JOIN entities u ON u.entity_id = l.to_entity_id
JOIN entities e ON e.entity_id = m.entity_id
GROUP BY l.to_entity_id, u.name, m.doc_id, m.entity_id, e.name, l.date
""".strip(),
    ]
