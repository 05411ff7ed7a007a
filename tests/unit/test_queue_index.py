"""The officer queue's partial index (migration 0008) covers exactly the queue's states: a
state added to the queue without a new index would fall back to sorting every queued row
(bench/officer_queue.py measures it)."""
import importlib.util
from pathlib import Path

from server.applications import models
from server.review import operations
from sync import states

MIGRATION = (Path(__file__).resolve().parents[2] / "server" / "migrations" / "versions"
             / "0008_queue_order_index.py")


def test_the_index_predicate_is_the_queue():
    # One definition (sync/states.py), not two copies held equal: a copy made again fails.
    assert models.QUEUE_INDEX_STATES is states.OFFICER_QUEUE
    assert operations.QUEUE_STATES is states.OFFICER_QUEUE


def test_the_migration_froze_the_same_predicate():
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert str(migration.QUEUE_PREDICATE) == str(models._QUEUE_PREDICATE)
