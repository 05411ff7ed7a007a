"""The NIK pre-check (server/document_checks): a citizen's KTP uploaded over tus and attached
to a passport application is read by the background worker with Debian's tesseract; the
officer's review shows whether the NIK on the scan matches the form, and the citizen's next
pull carries a notification when it cannot be read or differs. Advice only: nothing is
rejected. Runs on SQLite and PostgreSQL (the `app` fixture), with the real tesseract.

Bad input: a page with no text, a PDF, a file of 50 MB, an image that decodes to more pixels
than the reader takes, another person's KTP, a worker that dies mid-read (the lease runs
out and another worker finishes it), one that dies on it every time (given up: unreadable).
The turned and upside-down scans (90, 180, 270 degrees) go through the job here too; every
rotation and the KK's numbers are also read without a database (test_reading.py).
"""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import func, select

from server.applications.models import Application, ApplicationRequirement
from server.document_checks.models import DONE, PENDING, RUNNING, DocumentCheck
from server.document_checks.worker import MAX_ATTEMPTS
from server.extensions import db
from server.uploads.models import Upload
from server.uploads.storage import storage_for
from tests.api.conftest import callers  # noqa: F401  (fixture)
from tests.api.officer_world import BASE
from tests.document_checks.world import NIK, drain, now, submitted, worker
from tests.media.ktp_photos import blank_photo, ktp_pdf, ktp_photo

if shutil.which("tesseract") is None:
    pytest.skip("tesseract is not installed (make test installs Debian's tesseract-ocr and "
                "tesseract-ocr-ind)", allow_module_level=True)

OTHER_NIK = "1174015203880002"  # another person: a woman born 12 March 1988


class Clock:
    def __init__(self):
        self.at = now()

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def officer(callers):  # noqa: F811
    return callers.officer("verifier", "langsa", "imigrasi")


def ktp_check(client, officer, app_id) -> dict:
    response = client.get(f"{BASE}/{app_id}", headers=officer["headers"])
    assert response.status_code == 200, response.get_data(as_text=True)
    ktp = next(r for r in response.get_json()["requirements"] if r["code"] == "ktp")
    return ktp


def notices(made) -> list[dict]:
    patch = made["phone"].pull(cookie=None).get_json()["patch"]
    return [op["value"] for op in patch if op["key"].startswith("notification/")
            and op["value"]["kind"] == "document_check"]


def check_row(app, document_id) -> DocumentCheck:
    with app.app_context():
        row = db.session.get(DocumentCheck, document_id)
        db.session.expunge(row)
        return row


def unchanged(app, app_id) -> tuple:
    with app.app_context():
        a = db.session.get(Application, app_id)
        r = db.session.get(ApplicationRequirement, (app_id, "ktp"))
        return a.state, r.review_status, r.officer_note


def test_a_ktp_whose_nik_matches_the_form(app, client, callers, officer):  # noqa: F811
    made = submitted(app, client, callers, ktp_photo())
    before = ktp_check(client, officer, made["id"])["nik_check"]
    assert before == {"result": "pending"}
    assert drain(app) == {"enqueued": 1, "read": 1, "unreadable": 0}
    check = ktp_check(client, officer, made["id"])["nik_check"]
    assert check["result"] == "match", check
    assert (check["scan_nik"], check["form_nik"], check["nik_problem"]) == (NIK, NIK, None)
    assert notices(made) == []  # nothing to tell the citizen
    # once per document: nothing left, nothing enqueued again
    assert drain(app) == {"enqueued": 0, "read": 0, "unreadable": 0}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DocumentCheck)) == 1


def test_another_persons_ktp_is_a_mismatch_the_citizen_hears_of(app, client, callers,  # noqa: F811
                                                                officer):
    made = submitted(app, client, callers,
                     ktp_photo(nik=OTHER_NIK, name="SITI AMINAH", born="LANGSA, 12-03-1988",
                               sex="PEREMPUAN"))
    state = unchanged(app, made["id"])
    drain(app)
    check = ktp_check(client, officer, made["id"])["nik_check"]
    assert (check["result"], check["scan_nik"], check["form_nik"]) == ("mismatch", OTHER_NIK,
                                                                       NIK)
    # The scanned NIK is a woman's born 12 March 1988: not this form's birth date and sex.
    assert check["nik_problem"]["code"] == "nik_birth_date_mismatch"
    [notice] = notices(made)
    assert notice["application_id"] == made["id"]
    assert notice["data"]["requirement"] == "ktp"
    assert notice["data"]["result"] == "mismatch"
    assert (notice["data"]["scan"], notice["data"]["form"]) == (OTHER_NIK, NIK)
    assert unchanged(app, made["id"]) == state  # advice only: nothing rejected


def test_a_page_with_no_text_could_not_be_read(app, client, callers, officer):  # noqa: F811
    made = submitted(app, client, callers, blank_photo())
    state = unchanged(app, made["id"])
    assert drain(app)["unreadable"] == 1
    assert ktp_check(client, officer, made["id"])["nik_check"]["result"] == "unreadable"
    [notice] = notices(made)
    assert notice["data"]["result"] == "unreadable"
    assert unchanged(app, made["id"]) == state


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_or_upside_down_scan_is_read_by_the_job(app, client, callers, officer,  # noqa: F811
                                                         rotation):
    """A KTP photographed sideways or upside down (and sent without an EXIF turn) is read by
    the worker all the same: turned back, the NIK matches; once, nothing left pending."""
    made = submitted(app, client, callers, ktp_photo(rotation))
    assert drain(app) == {"enqueued": 1, "read": 1, "unreadable": 0}
    row = check_row(app, made["document"])
    assert (row.status, row.outcome, row.niks) == (DONE, "read", [NIK])
    assert (row.rotation + rotation) % 360 == 0  # read at the turn that set it upright
    check = ktp_check(client, officer, made["id"])["nik_check"]
    assert (check["result"], check["scan_nik"]) == ("match", NIK)
    assert notices(made) == []


def test_a_pdf_scan_is_read_from_its_first_page(app, client, callers, officer):  # noqa: F811
    made = submitted(app, client, callers, ktp_pdf(), content_type="application/pdf")
    drain(app)
    check = ktp_check(client, officer, made["id"])["nik_check"]
    assert (check["result"], check["scan_nik"]) == ("match", NIK)


def test_a_50_mb_file_is_read_or_refused_with_a_clear_result(app, client, callers,  # noqa: F811
                                                              officer, monkeypatch):
    """A 50 MB photo (what a phone's RAW-ish JPEG with its trailer can be, had the upload
    limit allowed it) is read like any other; over the worker's limit it is refused."""
    made = submitted(app, client, callers, ktp_photo())
    with app.app_context():
        upload = db.session.scalar(select(Upload).where(Upload.document_id == made["document"]))
        path = storage_for(app)._path(upload.storage_name)
    with open(path, "ab") as f:
        f.truncate(50 * 1024 * 1024)
    assert drain(app)["read"] == 1
    assert ktp_check(client, officer, made["id"])["nik_check"]["result"] == "match"

    again = submitted(app, client, callers, ktp_photo())
    with app.app_context():
        upload = db.session.scalar(select(Upload).where(Upload.document_id == again["document"]))
        path = storage_for(app)._path(upload.storage_name)
    with open(path, "ab") as f:
        f.truncate(50 * 1024 * 1024)
    monkeypatch.setattr("server.document_checks.worker.MAX_FILE_BYTES", 40 * 1024 * 1024)
    assert drain(app)["unreadable"] == 1
    row = check_row(app, again["document"])
    assert (row.status, row.outcome) == (DONE, "unreadable")
    assert row.detail == f"file_too_large: {50 * 1024 * 1024} bytes"
    assert ktp_check(client, officer, again["id"])["nik_check"]["result"] == "unreadable"


def test_a_worker_killed_mid_read_leaves_the_job_to_the_next(app, client, callers,  # noqa: F811
                                                             officer):
    made = submitted(app, client, callers, ktp_photo())
    clock = Clock()
    first, second = worker(app, clock=clock), worker(app, clock=clock)
    with app.app_context():
        assert first.enqueue() == 1
        assert second.enqueue() == 0  # enqueued once
        job = first.claim()  # ...and then the first worker dies before recording
        assert job is not None and second.claim() is None  # leased: not taken twice
        assert check_row(app, made["document"]).status == RUNNING
        clock.at += first.lease + dt.timedelta(seconds=1)
        assert second.run_one() == "read"  # the lease ran out: the second one reads it
        # the first worker comes back late: its lease is gone, its result is not written
        assert first.record(job, first.read(job)) is False
    row = check_row(app, made["document"])
    assert (row.status, row.outcome, row.attempts) == (DONE, "read", 2)
    assert ktp_check(client, officer, made["id"])["nik_check"]["result"] == "match"


def test_a_document_that_kills_every_worker_is_given_up(app, client, callers,  # noqa: F811
                                                       officer):
    made = submitted(app, client, callers, ktp_photo())
    clock = Clock()
    w = worker(app, clock=clock)
    with app.app_context():
        w.enqueue()
        for _ in range(MAX_ATTEMPTS):
            assert w.claim() is not None  # each claim's worker dies
            clock.at += w.lease + dt.timedelta(seconds=1)
        assert w.claim() is None  # not claimed again: finished
    row = check_row(app, made["document"])
    assert (row.status, row.outcome) == (DONE, "unreadable")
    assert row.detail == f"gave_up_after_{MAX_ATTEMPTS}_attempts"
    assert [n["data"]["result"] for n in notices(made)] == ["unreadable"]


def test_a_reader_error_on_one_file_does_not_stop_the_queue(app, client, callers,  # noqa: F811
                                                            officer):
    made = submitted(app, client, callers, ktp_photo())

    def broken(data, content_type, document_type):
        raise RuntimeError("a bug")

    assert drain(app, reader=broken) == {"enqueued": 1, "read": 0, "unreadable": 1}
    assert check_row(app, made["document"]).detail == "error: RuntimeError"


def test_without_tesseract_the_console_says_so_and_the_worker_refuses(app, client, callers,  # noqa: F811
                                                                      officer, monkeypatch):
    made = submitted(app, client, callers, ktp_photo())
    monkeypatch.setenv("PATH", "/nonexistent")
    assert ktp_check(client, officer, made["id"])["nik_check"] == {"result": "unavailable"}
    result = app.test_cli_runner().invoke(args=["document-checks", "worker", "--once"])
    assert result.exit_code != 0
    assert "tesseract tidak terpasang" in result.output and "not installed" in result.output
    with app.app_context():  # nothing was claimed: a machine with tesseract will do it
        assert db.session.scalar(select(func.count()).select_from(DocumentCheck)
                                 .where(DocumentCheck.status != PENDING)) == 0
    # everything else works: the officer reviews and accepts the KTP
    response = client.post(f"{BASE}/{made['id']}/start-review", headers=officer["headers"],
                           json={"version": ktp_check_version(client, officer, made["id"])})
    assert response.status_code == 200, response.get_data(as_text=True)


def ktp_check_version(client, officer, app_id) -> int:
    return client.get(f"{BASE}/{app_id}", headers=officer["headers"]).get_json()["version"]
