"""Quality: checks on the warehouse tables that do not need Dagster (provenance spans, removed text,
Great Expectations suites), so each can be tested and reused on its own."""
