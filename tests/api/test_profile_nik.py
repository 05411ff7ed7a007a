"""One NIK, several accounts: what the MPP record allows.

The profile is the account holder's own record. Two accounts may claim one NIK (one person
with a second phone number) until an officer verifies it for one of them; after that no
other account may take it as its own (the holder of a new number moves it at the counter).
A parent filing for a child writes the child's NIK in the application, not in their own
profile, so nothing here stands in their way."""
from __future__ import annotations

from server.accounts.models import Citizen
from server.extensions import db
from tests.helpers import assert_error

NIK = {"nik": "1174014508900001", "birth_date": "1990-08-05", "sex": "P"}


def verify_nik(app, citizen_id) -> None:
    """What an officer's acceptance of the NIK leaves on the record."""
    with app.app_context():
        citizen = db.session.get(Citizen, citizen_id)
        citizen.verified_keys = [*(citizen.verified_keys or []), "nik"]
        db.session.commit()


def test_a_nik_verified_for_another_account_cannot_be_claimed(app, client, callers):
    first, second, third = callers.citizen(), callers.citizen(), callers.citizen()
    assert client.patch("/api/me", headers=first["headers"], json=NIK).status_code == 200
    # Not verified yet: a second account may claim it too (a second number of one person).
    assert client.patch("/api/me", headers=second["headers"], json=NIK).status_code == 200
    verify_nik(app, first["id"])
    answer = client.patch("/api/me", headers={**third["headers"], "Accept-Language": "en"},
                          json={**NIK, "full_name": "Orang Lain"})
    error = assert_error(answer, 400, "profile_invalid")
    assert error["details"]["fields"]["nik"]["code"] == "nik_verified_elsewhere"
    mine = client.get("/api/me", headers=third["headers"]).get_json()
    assert mine["nik"] is None and mine["full_name"] is None  # nothing of it was saved
    # The holder keeps saving their record; the earlier claimant keeps theirs.
    assert client.patch("/api/me", headers=first["headers"],
                        json={**NIK, "full_name": "Cut Meutia"}).status_code == 200
    assert client.patch("/api/me", headers=second["headers"],
                        json={"full_name": "Cut Nyak"}).status_code == 200
    assert client.get("/api/me", headers=second["headers"]).get_json()["nik"] == NIK["nik"]
