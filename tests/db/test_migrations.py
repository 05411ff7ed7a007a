"""Migrations: upgrading an empty database gives exactly the models (no pending autogenerate
diff), and every migration, up and down, keeps the rows already there.

The rows test fills a database at the head revision (the demo catalog, `flask dev seed`,
an officer and a citizen's device session through the CLI), then walks the chain down one
revision at a time: each downgrade must keep every row of every table that survives it, and
the upgrade back must keep them again. A new migration is covered by the walk as it is; a new
table must get rows too: add a function to ROWS (it runs at the head revision) or, where a
table cannot hold rows yet, name it in WITHOUT_ROWS with the reason.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from server.catalog.loader import load_catalog
from server.extensions import db
from tests.api.conftest import Callers
from tests.api.devices import Device
from tests.api.visits_data import at, make_application, working_day
from tests.conftest import DEMO_CATALOG, dispose, make_app
from tests.uploads.conftest import Tus

PASPOR = "langsa.imigrasi.paspor-baru"


def test_upgrade_from_empty_matches_the_models_and_downgrades(databases, tmp_path):
    url = databases.new(empty=True)
    app = make_app(url, tmp_path / "instance")
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            with db.engine.connect() as conn:
                tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
            assert tables == set()
    finally:
        dispose(app)
        databases.drop(url)


def _cli(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output


def _rows_by_the_cli(app) -> None:
    _cli(app, "dev", "seed", "--applications", "40", "--citizens", "6", "--quiet")
    _cli(app, "accounts", "create-officer", "--username", "admin1", "--full-name", "Admin",
         "--role", "admin", "--password", "correct horse battery")
    _cli(app, "accounts", "citizen-token", "+6281234567890")


def _rows_by_the_api(app) -> None:
    """A citizen asks for a sign-in code, syncs (a draft kept, one discarded: a tombstone, and
    a change to it refused: a stored result) and starts an upload."""
    client = app.test_client()
    assert client.post("/api/auth/otp", json={"phone": "+6281299990000"}).status_code == 202
    assert client.post("/api/officer/login", json={  # a wrong password: login_failure rows
        "username": "admin1", "password": "not the password"}).status_code == 401
    citizen = Callers(app).citizen()
    phone = Device(client, citizen["headers"])
    kept, gone = str(uuid.uuid4()), str(uuid.uuid4())
    pushed = phone.push(
        phone.mutation("application.create", application_id=kept, service_id=PASPOR),
        phone.mutation("application.set_fields", application_id=kept,
                       fields={"full_name": "BUDI SANTOSO"}),
        phone.mutation("application.create", application_id=gone, service_id=PASPOR),
        phone.mutation("application.discard", application_id=gone),
        phone.mutation("application.set_fields", application_id=gone,  # rejected: a result row
                       fields={"full_name": "BUDI"}))
    assert pushed.status_code == 200, pushed.get_data(as_text=True)
    assert Tus(client, citizen["headers"]).create(b"half", length=8).status_code == 201


def _rows_of_a_visit(app) -> None:
    """A citizen books one visit for a ready application, then moves it (the old stop stays,
    held): slots, a booking, current and given-up stops."""
    client = app.test_client()
    citizen = Callers(app).citizen()
    application = make_application(citizen["id"], "langsa.dpmptsp.nib")
    day = working_day()
    booked = client.post("/api/visits/bookings", headers=citizen["headers"], json={
        "applications": [application], "arrives_at": at(day, "08:00")})
    assert booked.status_code == 201, booked.get_data(as_text=True)
    moved = client.post(f"/api/visits/bookings/{booked.get_json()['id']}/reschedule",
                        headers=citizen["headers"], json={"arrives_at": at(day, "09:00")})
    assert moved.status_code == 200, moved.get_data(as_text=True)


def _rows_of_a_complaint(app) -> None:
    """Complaints (0015): one about a rejected requirement, answered by the agency: the
    complaint, its filer, its answer and the MPP's counter."""
    from tests.api.complaints_world import ComplaintWorld

    world = ComplaintWorld(app, app.test_client(), Callers(app))
    made = world.rejected()
    complaint_id, result = world.file(made["phone"], application_id=made["id"])
    assert result["status"] == "applied", result
    world.handle(world.imigrasi, complaint_id, "answer", text="Sudah kami periksa.")


def _rows_of_the_floor(app) -> None:
    """The MPP floor (0013): a kiosk key, a booked visitor checked in and a walk-in, called,
    served with the application and completed: devices, days, the board, tickets, calls."""
    from tests.api.queue_floor import FloorWorld

    db.session.commit()  # the CLI below writes from its own session
    floor = FloorWorld(app, app.test_client(), Callers(app), app.test_cli_runner())
    booking = floor.booking(("langsa.dukcapil.kk-baru",), clock="10:00")
    assert floor.check_in(booking["ticket"]).status_code == 201
    assert floor.walk_in().status_code == 201
    called = floor.call_next(floor.dukcapil).get_json()
    assert floor.act(floor.dukcapil, called["id"], "serve").status_code == 200
    assert floor.act(floor.dukcapil, called["id"], "complete").status_code == 200


# Functions that add rows at the head revision (app context open), for tables nothing above
# fills. A new migration's table gets its rows here.
ROWS: list[Callable] = [_rows_by_the_cli, _rows_by_the_api, _rows_of_a_visit]
ROWS.append(_rows_of_the_floor)
ROWS.append(_rows_of_a_complaint)


def _rows_of_a_document_check(app) -> None:
    """The NIK pre-check (0016): a KTP uploaded and attached, read by the worker (where
    tesseract is absent, a reader that gives the card's NIK: the row is what is tested)."""
    import shutil

    from server.document_checks.reading import Reading
    from tests.document_checks.world import NIK, drain, submitted
    from tests.media.ktp_photos import ktp_photo

    submitted(app, app.test_client(), Callers(app), ktp_photo())
    given = None if shutil.which("tesseract") else (lambda *a: Reading("read", [NIK], None, 0))
    assert drain(app, **({"reader": given} if given else {}))["read"] == 1


ROWS.append(_rows_of_a_document_check)


def _rows_of_the_dashboard(app) -> None:
    """The dashboard's rollup (0018): a submitted application with a rejected requirement
    rolled up (a fact, a rejection, an officer's day, the journal position), and an officer
    with a counter who must set a new password."""
    import datetime as dt

    from server.dashboard import operations as dash
    from server.db_types import utcnow
    from tests.api.officer_world import World

    db.session.commit()
    client = app.test_client()
    world = World(app, client, Callers(app))
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    world.act(world.imigrasi, made["id"], "review", requirement="kk", decision="reject",
              reason="blurry", note="terpotong")
    world.to_ready(world.submitted()["id"])  # a ready one: the ready-hours histogram
    created = client.post("/api/staff/officers", headers=world.supervisor["headers"], json={
        "username": "loket.baru", "full_name": "Loket Baru", "role": "verifier",
        "agency": "imigrasi", "counter": "loket-5"})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert dash.catch_up(db.session, utcnow() + dt.timedelta(hours=1)) > 0
    db.session.commit()


ROWS.append(_rows_of_the_dashboard)


def _rows_of_a_survey(app) -> None:
    """The SKM (0014): a completed application counted in the population, and its answer
    pushed through the sync engine (a receipt, the answer, the day's sums)."""
    from tests.survey.world import completed, survey

    citizen = Callers(app).citizen()
    phone = Device(app.test_client(), citizen["headers"])
    assert survey(phone, completed(app, citizen))["status"] == "applied"


ROWS.append(_rows_of_a_survey)


def _rows_of_a_walk_in(app) -> None:
    """A walk-in application (0019): an officer starts one for a citizen without a phone."""
    from server.accounts.models import Officer

    db.session.commit()
    callers = Callers(app)
    officer_id = db.session.scalar(sa.select(Officer.id).where(Officer.role == "admin"))
    started = app.test_client().post("/api/officer/walk-in", headers=callers.officer_session(
        officer_id)["headers"], json={"service_id": PASPOR, "no_phone": True,
                                      "nik": "1174011705900001", "birth_date": "1990-05-17"})
    assert started.status_code == 201, started.get_data(as_text=True)


ROWS.append(_rows_of_a_walk_in)


def _rows_of_catalog_admin(app) -> None:
    """Catalog administration (0020): an admin publishes a draft that changes a standard (a
    draft, the service's standard before and after), and leaves a second draft open."""
    from server.accounts.models import Officer

    db.session.commit()
    client, callers = app.test_client(), Callers(app)
    officer_id = db.session.scalar(sa.select(Officer.id).where(Officer.role == "admin"))
    headers = callers.officer_session(officer_id)["headers"]
    made = client.post("/api/admin/catalog/drafts", headers=headers,
                       json={"scope": "national"}).get_json()
    for standard in made["data"]["service_standards"]:
        if standard["code"] == "imigrasi.paspor-baru":
            standard["sla_days"] += 1
    assert client.put(f"/api/admin/catalog/drafts/{made['id']}", headers=headers,
                      json={"data": made["data"]}).status_code == 200
    published = client.post(f"/api/admin/catalog/drafts/{made['id']}/publish",
                            headers=headers)
    assert published.status_code == 200, published.get_data(as_text=True)
    assert client.post("/api/admin/catalog/drafts", headers=headers,
                       json={"scope": "mpp:langsa", "note": "open"}).status_code == 201


ROWS.append(_rows_of_catalog_admin)
# Tables allowed to stay empty in this test, with the reason.
WITHOUT_ROWS: dict[str, str] = {
    "application_discrepancy": "needs a verified record that differs from the form",
    "push_subscription": "needs VAPID keys in the app's config (tests/push)",
    "push_message": "made by an officer's decision for a subscribed citizen (tests/push)",
    "push_delivery": "made by an officer's decision for a subscribed citizen (tests/push)",
    "ops_backlog_settled": "the dashboard's backlog older than two weeks, folded once a day "
                           "(tests/api/test_dashboard.py)",
}


def _contents(conn) -> dict[str, dict]:
    """Every table (but alembic_version): its columns, and its rows by primary key."""
    found = {}
    # Only the columns and primary keys are read back (a full MetaData.reflect() also reads
    # every index, unique and foreign key: two thirds of this test's time, for nothing). The
    # columns are untyped, so values compare as the database stores them (on SQLite a time
    # or a JSON document as its text): a migration that rewrites one is seen.
    inspector = sa.inspect(conn)
    for name in inspector.get_table_names():
        if name == "alembic_version":
            continue
        columns = [c["name"] for c in inspector.get_columns(name)]
        key = inspector.get_pk_constraint(name)["constrained_columns"] or columns
        table = sa.table(name, *(sa.column(c) for c in columns))
        rows = {tuple(row[k] for k in key): dict(row)
                for row in conn.execute(sa.select(table)).mappings()}
        found[name] = {"columns": set(columns), "rows": rows}
    return found


def _assert_kept(before: dict, after: dict, step: str) -> None:
    """Every table in both keeps its rows: the same keys, the same values in shared columns."""
    for name in before.keys() & after.keys():
        shared = before[name]["columns"] & after[name]["columns"]
        was, now = before[name]["rows"], after[name]["rows"]
        assert was.keys() == now.keys(), f"{step}: rows of {name} lost or added"
        for key, row in was.items():
            assert {c: row[c] for c in shared} == {c: now[key][c] for c in shared}, (
                f"{step}: {name} {key} changed")


def _script(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_every_migration_keeps_the_rows_up_and_down(databases, tmp_path):
    url = databases.new(empty=True)
    app = make_app(url, tmp_path / "instance")
    try:
        with app.app_context():
            upgrade()
            load_catalog([DEMO_CATALOG], db.session)
            db.session.commit()
            for add_rows in ROWS:
                add_rows(app)
            db.session.remove()
            with db.engine.connect() as conn:
                head = _contents(conn)
            empty = {name for name, table in head.items() if not table["rows"]}
            assert empty == set(WITHOUT_ROWS), (
                f"tables without rows in the migration test: {sorted(empty - set(WITHOUT_ROWS))}"
                " (add rows in ROWS, or name them in WITHOUT_ROWS with the reason)")

            script = _script(app)
            chain = list(script.walk_revisions("base", "heads"))  # head first
            for revision in chain:
                below = revision.down_revision or "base"
                step = f"{revision.revision} -> {below}"
                with db.engine.connect() as conn:
                    before = _contents(conn)
                downgrade(revision=below)
                with db.engine.connect() as conn:
                    lowered = _contents(conn)
                _assert_kept(before, lowered, f"downgrade {step}")
                upgrade(revision=revision.revision)
                with db.engine.connect() as conn:
                    raised = _contents(conn)
                _assert_kept(lowered, raised, f"upgrade {below} -> {revision.revision}")
                downgrade(revision=below)
            with db.engine.connect() as conn:
                assert set(db.inspect(conn).get_table_names()) <= {"alembic_version"}
    finally:
        dispose(app)
        databases.drop(url)
