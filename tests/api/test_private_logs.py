"""A request that fails at the database logs a traceback with no personal data in it.

The failure is real: a trigger in the database refuses the write, so the driver raises, the
request answers 500 and the error handler logs the traceback. Before the engines hid bound
parameters, that traceback printed the statement's values (phone, NIK, name)."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from server.extensions import db
from tests.helpers import assert_error

NIK = "1174014508900001"
NAME = "Budi Santoso Wiryawan"
PHONE = "+6281299887766"


def refuse_writes(app, table: str, action: str) -> None:
    """A trigger that makes every `action` (INSERT, UPDATE) on `table` fail in the database."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text(
                f"CREATE TRIGGER refuse_{table} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"))
        else:
            db.session.execute(text(
                "CREATE FUNCTION refuse_write() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by test trigger'; END $$ LANGUAGE plpgsql"))
            db.session.execute(text(
                f"CREATE TRIGGER refuse_{table} BEFORE {action} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION refuse_write()"))
        db.session.commit()


def failed_log(caplog) -> str:
    text_ = "\n".join(record.getMessage() + "\n" + (record.exc_text or "")
                      for record in caplog.records)
    assert "refused by test trigger" in text_  # the failure itself was logged
    return text_


def test_a_failed_profile_write_logs_no_nik_name_or_phone(app, client, callers, caplog):
    citizen = callers.citizen(PHONE)
    refuse_writes(app, "citizen", "UPDATE")
    caplog.set_level(logging.ERROR)
    answer = client.patch("/api/me", headers=citizen["headers"], json={
        "nik": NIK, "birth_date": "1990-08-05", "sex": "P", "full_name": NAME})
    assert_error(answer, 500, "internal_error")
    logged = failed_log(caplog)
    for secret in (NIK, NAME, PHONE, PHONE[1:], "081299887766"):
        assert secret not in logged, secret


def test_a_failed_sign_in_code_logs_no_phone(app, client, caplog):
    refuse_writes(app, "otp_challenge", "INSERT")
    caplog.set_level(logging.ERROR)
    answer = client.post("/api/auth/otp", json={"phone": "081299887766"})
    assert_error(answer, 500, "internal_error")
    logged = failed_log(caplog)
    for secret in (PHONE, PHONE[1:], "081299887766", "81299887766"):
        assert secret not in logged, secret


@pytest.mark.parametrize("message", [
    'Key (phone)=(+6281299887766) already exists; nik 1174014508900001'])
def test_the_traceback_masks_what_a_driver_quotes(message):
    from server.errors import safe_traceback

    try:
        try:
            raise ValueError(message)
        except ValueError as inner:
            raise RuntimeError("outer") from inner
    except RuntimeError as err:
        logged = safe_traceback(err)
    assert "ValueError" in logged and "RuntimeError" in logged
    assert "6281299887766" not in logged and NIK not in logged
