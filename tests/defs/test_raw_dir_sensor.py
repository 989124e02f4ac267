import dagster as dg

from pipelines.defs.ingest.sensors import raw_dir_sensor
from pipelines.defs.resources import LedgerPaths


def _evaluate(instance, ledger, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"ledger": ledger})
    result = raw_dir_sensor(context)
    return result, context.cursor


def test_sensor_runs_once_per_change_of_the_raw_directory(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("first page")
    ledger = LedgerPaths(raw_dir=str(raw), expectations_dir=str(tmp_path))
    with dg.instance_for_test() as instance:
        first, cursor = _evaluate(instance, ledger, None)
        assert isinstance(first, dg.RunRequest) and first.tags["ledger/pages"] == "1"
        again, same = _evaluate(instance, ledger, cursor)
        assert isinstance(again, dg.SkipReason) and same == cursor
        (raw / "b.html").write_text("<html><body><p>second</p></body></html>")
        (raw / "ignored.md").write_text("not a page")
        new, new_cursor = _evaluate(instance, ledger, cursor)
        assert isinstance(new, dg.RunRequest) and new.tags["ledger/pages"] == "2"
        assert new_cursor != cursor and new.run_key != first.run_key
