"""Staff administration in the console (issue #18): a supervisor creates an officer (who must
set a new password at the first sign-in), sets role, agency and counter, disables them and
resets a password; each bad input is a clear error, changes nothing, and is audited. The
audit log browser shows a supervisor what concerns their MPP.

Run alone: .venv/bin/python -m pytest tests/api/test_staff.py -q
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.accounts.models import DeviceSession, Officer
from server.audit.models import AuditEvent
from server.extensions import db
from tests.api.conftest import PASSWORD
from tests.helpers import assert_error

STAFF = "/api/staff/officers"


@pytest.fixture
def staff(callers):
    return {"supervisor": callers.officer("supervisor", "langsa"),
            "other_supervisor": callers.officer("supervisor", "payakumbuh"),
            "verifier": callers.officer("verifier", "langsa", "imigrasi"),
            "far_verifier": callers.officer("verifier", "payakumbuh", "dukcapil"),
            "admin": callers.officer("admin")}


def _row(app, officer_id) -> dict:
    """Everything a refused change could have touched."""
    with app.app_context():
        o = db.session.get(Officer, officer_id)
        sessions = db.session.scalars(select(DeviceSession.revoked_at).where(
            DeviceSession.officer_id == officer_id)).all()
        return {"role": o.role, "mpp": o.mpp_id, "agency": o.agency_id, "counter": o.counter_id,
                "disabled": o.disabled, "hash": o.password_hash, "must": o.must_change_password,
                "name": o.full_name, "sessions": sessions}


def _audit(app, action) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


def _login(client, username, password):
    return client.post("/api/officer/login", json={"username": username, "password": password})


def test_a_supervisor_creates_an_officer_who_must_set_a_new_password(app, client, staff):
    sup = staff["supervisor"]["headers"]
    listed = client.get(STAFF, headers=sup).get_json()
    assert listed["roles"] == ["verifier", "supervisor"]
    (langsa,) = listed["mpps"]
    imigrasi = next(a for a in langsa["agencies"] if a["code"] == "imigrasi")
    counter = imigrasi["counters"][0]["code"]
    assert {o["username"] for o in listed["items"]} == {
        staff["supervisor"]["username"], staff["verifier"]["username"]}

    made = client.post(STAFF, headers=sup, json={
        "username": "siti.imigrasi", "full_name": "Siti Aminah", "role": "verifier",
        "agency": "imigrasi", "counter": counter, "mpp": "payakumbuh"})  # mpp: ignored
    assert made.status_code == 201, made.get_data(True)
    body = made.get_json()
    officer, temporary = body["officer"], body["temporary_password"]
    assert (officer["mpp"], officer["agency"], officer["counter"]) == ("langsa", "imigrasi",
                                                                       counter)
    assert officer["must_change_password"] is True and len(temporary) >= 12
    assert [e.target_id for e in _audit(app, "officer.created")][-1] == str(officer["id"])

    # the first sign-in: only setting a new password works
    signed = _login(client, "siti.imigrasi", temporary)
    assert signed.status_code == 200, signed.get_data(True)
    assert signed.get_json()["officer"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {signed.get_json()['token']}"}
    assert_error(client.get("/api/officer/applications", headers=headers), 403,
                 "password_change_required")
    assert client.get("/api/officer/me", headers=headers).status_code == 200
    assert_error(client.post("/api/officer/password", headers=headers, json={
        "current_password": "salah-salah-salah", "new_password": "kata-sandi-baru-1"}),
        400, "password_wrong")
    assert_error(client.post("/api/officer/password", headers=headers, json={
        "current_password": temporary, "new_password": "pendek"}), 400, "password_too_short")
    assert_error(client.post("/api/officer/password", headers=headers, json={
        "current_password": temporary, "new_password": temporary}), 400, "password_unchanged")
    assert _row(app, officer["id"])["must"] is True  # nothing changed by the refusals
    done = client.post("/api/officer/password", headers=headers, json={
        "current_password": temporary, "new_password": "kata-sandi-baru-1"})
    assert done.status_code == 200 and done.get_json()["must_change_password"] is False
    assert client.get("/api/officer/applications", headers=headers).status_code == 200
    assert _login(client, "siti.imigrasi", temporary).status_code == 401
    assert _login(client, "siti.imigrasi", "kata-sandi-baru-1").status_code == 200


def test_role_agency_counter_and_disable(app, client, staff):
    sup = staff["supervisor"]["headers"]
    target = staff["verifier"]
    moved = client.patch(f"{STAFF}/{target['id']}", headers=sup,
                         json={"agency": "dukcapil", "full_name": "Budi Pindah"})
    assert moved.status_code == 200, moved.get_data(True)
    assert (moved.get_json()["agency"], moved.get_json()["full_name"]) == ("dukcapil",
                                                                         "Budi Pindah")
    # moving ends their sessions (what the account may do changed)
    assert_error(client.get("/api/officer/me", headers=target["headers"]), 401,
                 "session_revoked")
    promoted = client.patch(f"{STAFF}/{target['id']}", headers=sup, json={"role": "supervisor"})
    assert promoted.status_code == 200
    assert (promoted.get_json()["role"], promoted.get_json()["agency"]) == ("supervisor", None)
    off = client.patch(f"{STAFF}/{target['id']}", headers=sup, json={"disabled": True})
    assert off.status_code == 200 and off.get_json()["disabled"] is True
    assert _login(client, target["username"], PASSWORD).status_code == 401
    keys = [e.details["keys"] for e in _audit(app, "officer.changed")]
    assert keys == [["agency", "full_name"], ["role"], ["disabled"]]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_bad_inputs_are_refused_change_nothing_and_are_audited(app, client, callers, staff,
                                                                lang):
    sup = {**staff["supervisor"]["headers"], "Accept-Language": lang}
    admin = {**staff["admin"]["headers"], "Accept-Language": lang}
    cases = [
        # disabling oneself
        (sup, "PATCH", staff["supervisor"]["id"], {"disabled": True}, 409,
         "cannot_disable_self", "staff.change_refused"),
        # the last admin: neither disabled (by themselves or another) nor demoted
        (admin, "PATCH", staff["admin"]["id"], {"disabled": True}, 409,
         "cannot_disable_self", "staff.change_refused"),
        (admin, "PATCH", staff["admin"]["id"], {"role": "supervisor", "mpp": "langsa"}, 409,
         "last_admin", "staff.change_refused"),
        # out of reach: another MPP's officer, an admin
        (sup, "POST", staff["far_verifier"]["id"], None, 403, "officer_out_of_reach",
         "staff.reset_refused"),
        (sup, "POST", staff["admin"]["id"], None, 403, "officer_out_of_reach",
         "staff.reset_refused"),
        (sup, "PATCH", staff["other_supervisor"]["id"], {"full_name": "X"}, 403,
         "officer_out_of_reach", "staff.change_refused"),
        # a supervisor cannot make admins; a counter of another agency
        (sup, "PATCH", staff["verifier"]["id"], {"role": "admin"}, 403, "role_out_of_reach",
         "staff.change_refused"),
        (sup, "PATCH", staff["verifier"]["id"], {"counter": "nope"}, 400,
         "counter_not_in_scope", "staff.change_refused"),
    ]
    words = {"cannot_disable_self": ("sendiri", "own account"),
             "last_admin": ("admin aktif terakhir", "last active admin"),
             "officer_out_of_reach": ("di luar wewenang", "outside your reach"),
             "role_out_of_reach": ("peran admin", "role admin"),
             "counter_not_in_scope": ("Loket nope", "Counter nope")}
    for headers, method, officer_id, body, status, code, action in cases:
        before = _row(app, officer_id)
        audited = len(_audit(app, action))
        if method == "PATCH":
            response = client.patch(f"{STAFF}/{officer_id}", headers=headers, json=body)
        else:
            response = client.post(f"{STAFF}/{officer_id}/reset-password", headers=headers)
        error = assert_error(response, status, code)
        assert words[code][0 if lang == "id" else 1] in error["message"], error
        assert _row(app, officer_id) == before, code
        events = _audit(app, action)
        assert len(events) == audited + 1 and events[-1].outcome == "denied"
        assert events[-1].details == {"code": code} and events[-1].target_id == str(officer_id)

    # with a second admin, the first may be demoted
    second = callers.officer("admin")
    assert client.patch(f"{STAFF}/{staff['admin']['id']}", headers=second["headers"],
                        json={"disabled": True}).status_code == 200

    # creating: a supervisor making an admin, a taken username, an agency of no MPP of theirs
    for body, status, code in (
            ({"username": "baru.admin", "full_name": "A", "role": "admin"}, 403,
             "role_out_of_reach"),
            ({"username": staff["verifier"]["username"], "full_name": "A", "role": "verifier",
              "agency": "imigrasi"}, 409, "username_taken"),
            ({"username": "baru.x", "full_name": "A", "role": "verifier", "agency": "nope"},
             400, "officer_scope_invalid")):
        with app.app_context():
            count = len(db.session.scalars(select(Officer.id)).all())
        assert_error(client.post(STAFF, headers=sup, json=body), status, code)
        with app.app_context():
            assert len(db.session.scalars(select(Officer.id)).all()) == count
    assert [e.details["code"] for e in _audit(app, "staff.create_refused")] == [
        "role_out_of_reach", "username_taken", "officer_scope_invalid"]


# The console's admin screens, by endpoint: each must stay closed to a verifier (a route
# moved to allow("officer") drops out of ADMIN_ONLY below and fails the test).
ADMIN_SCREENS = {"staff.list_staff", "staff.create_staff", "staff.change_staff",
                 "staff.reset_password", "staff.browse_audit"}


def admin_only_routes(app, officer_id: int) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route open to supervisors and admins only, with its
    arguments filled in (another officer's id, an unknown uuid, a word)."""
    from server.access import rule_for

    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            callers = rule_for(app, rule.endpoint)
            if not callers or not callers <= {"supervisor", "admin"}:
                continue
            values = {}
            for name, converter in rule._converters.items():
                kind = type(converter).__name__
                values[name] = (officer_id if kind == "IntegerConverter" else
                                "00000000-0000-4000-8000-000000000000"
                                if kind == "UUIDConverter" else "x")
            url = rule.build(values)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                out.append((rule.endpoint, method, url))
    return out


def test_a_verifier_opens_no_admin_screen(app, client, staff):
    """Every supervisor/admin route, each method: 403 in Indonesian unless asked otherwise,
    nothing changed (not even with a valid body), and the refusal audited."""
    routes = admin_only_routes(app, staff["supervisor"]["id"])
    assert ADMIN_SCREENS <= {endpoint for endpoint, _, _ in routes}
    verifier = staff["verifier"]["headers"]
    officers = {o: _row(app, staff[o]["id"]) for o in staff}
    with app.app_context():
        count = len(db.session.scalars(select(Officer.id)).all())
    valid = {"username": "dari.verifikator", "full_name": "Dari Verifikator",
             "role": "supervisor", "disabled": True}
    for n, (endpoint, method, url) in enumerate(routes, start=1):
        lang = {} if n % 2 else {"Accept-Language": "en"}
        body = None if method == "GET" else valid
        response = client.open(url, method=method, headers={**verifier, **lang}, json=body)
        error = assert_error(response, 403, "forbidden")
        expected = "You are not allowed" if lang else "Anda tidak berhak"
        assert expected in error["message"], (endpoint, error)
        denied = _audit(app, "access.denied")
        assert len(denied) == n and denied[-1].target_id == endpoint, endpoint
        assert denied[-1].outcome == "denied" and denied[-1].details["method"] == method
    assert {o: _row(app, staff[o]["id"]) for o in staff} == officers
    with app.app_context():
        assert len(db.session.scalars(select(Officer.id)).all()) == count


def test_reset_password_ends_sessions_and_requires_a_new_one(app, client, staff):
    sup = staff["supervisor"]["headers"]
    target = staff["verifier"]
    reset = client.post(f"{STAFF}/{target['id']}/reset-password", headers=sup)
    assert reset.status_code == 200, reset.get_data(True)
    temporary = reset.get_json()["temporary_password"]
    assert_error(client.get("/api/officer/me", headers=target["headers"]), 401,
                 "session_revoked")
    assert _login(client, target["username"], PASSWORD).status_code == 401
    signed = _login(client, target["username"], temporary)
    assert signed.get_json()["officer"]["must_change_password"] is True
    assert [e.target_id for e in _audit(app, "officer.password_reset")] == [str(target["id"])]


def test_the_audit_log_browser(app, client, staff):
    sup = staff["supervisor"]["headers"]
    client.patch(f"{STAFF}/{staff['verifier']['id']}", headers=sup, json={"full_name": "Baru"})
    client.patch(f"{STAFF}/{staff['supervisor']['id']}", headers=sup, json={"disabled": True})
    # the other MPP's supervisor changes their own verifier: not Langsa's business
    client.patch(f"{STAFF}/{staff['far_verifier']['id']}",
                 headers=staff["other_supervisor"]["headers"], json={"full_name": "Lain"})
    page = client.get("/api/staff/audit", headers=sup).get_json()
    actions = [(e["action"], e["target_id"]) for e in page["items"]]
    assert ("staff.change_refused", str(staff["supervisor"]["id"])) in actions
    assert ("officer.changed", str(staff["verifier"]["id"])) in actions
    assert ("officer.changed", str(staff["far_verifier"]["id"])) not in actions
    assert page["items"][0]["actor_name"] == staff["supervisor"]["username"]
    ids = [e["id"] for e in page["items"]]
    assert ids == sorted(ids, reverse=True)

    only = client.get("/api/staff/audit", headers=sup,
                      query_string={"action": "staff.", "outcome": "denied"}).get_json()
    assert [e["action"] for e in only["items"]] == ["staff.change_refused"]
    one = client.get("/api/staff/audit", headers=sup,
                     query_string={"limit": 1}).get_json()
    assert len(one["items"]) == 1 and one["next_before"] == one["items"][0]["id"]
    rest = client.get("/api/staff/audit", headers=sup,
                      query_string={"before": one["next_before"]}).get_json()
    assert all(e["id"] < one["next_before"] for e in rest["items"])
    # an admin sees everything
    everything = client.get("/api/staff/audit", headers=staff["admin"]["headers"]).get_json()
    assert ("officer.changed", str(staff["far_verifier"]["id"])) in [
        (e["action"], e["target_id"]) for e in everything["items"]]
    assert_error(client.get("/api/staff/audit", headers=sup,
                            query_string={"outcome": "maybe"}), 400, "validation_failed")


def test_the_audit_log_filters_by_actor_target_and_day_in_wib(app, client, staff):
    """Each filter narrows to what it names and nothing else; days are WIB days (an event at
    17:30 UTC belongs to the next day)."""
    import datetime as dt

    sup = staff["supervisor"]
    verifier = staff["verifier"]
    with app.app_context():  # two events of the supervisor's, on days long past
        for at, target in ((dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC), verifier["id"]),
                           (dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC), sup["id"])):
            db.session.add(AuditEvent(at=at, actor_kind="officer", actor_id=str(sup["id"]),
                                      action="officer.changed", target_kind="officer",
                                      target_id=str(target), outcome="ok", details={}))
        db.session.commit()
    assert client.patch(f"{STAFF}/{verifier['id']}", headers=sup["headers"],
                        json={"full_name": "Baru"}).status_code == 200
    # the verifier knocks on the staff screen (audited, their own act)
    assert client.get(STAFF, headers=verifier["headers"]).status_code == 403
    # the far supervisor acts on their own officer: never in Langsa's log, whatever the filter
    client.patch(f"{STAFF}/{staff['far_verifier']['id']}",
                 headers=staff["other_supervisor"]["headers"], json={"full_name": "Lain"})

    def page(**query):
        response = client.get("/api/staff/audit", headers=sup["headers"], query_string=query)
        assert response.status_code == 200, response.get_data(True)
        return [(e["action"], e["actor_id"], e["target_kind"], e["target_id"], e["at"][:10])
                for e in response.get_json()["items"]]

    everything = page()
    assert len(everything) >= 4
    mine = page(actor_id=str(sup["id"]))
    assert mine and all(actor == str(sup["id"]) for _, actor, _, _, _ in mine)
    assert len(mine) < len(everything)  # the verifier's and others' own events are left out
    about = page(target_kind="officer", target_id=str(verifier["id"]))
    assert about and all((kind, target) == ("officer", str(verifier["id"]))
                         for _, _, kind, target, _ in about)
    assert [a for a, *_ in about].count("officer.changed") == 2
    assert str(staff["far_verifier"]["id"]) not in {t for _, _, _, t, _ in everything}
    # 2026-03-01 17:30 UTC is 2 March in WIB; 16:30 UTC is still 1 March
    assert [t for _, _, _, t, _ in page(first="2026-03-02", last="2026-03-02")] == [
        str(verifier["id"])]
    assert [t for _, _, _, t, _ in page(first="2026-03-01", last="2026-03-01")] == [
        str(sup["id"])]
    assert len(page(first="2026-03-01", last="2026-03-02")) == 2
    assert page(last="2026-02-28") == []
    assert [a for a, *_ in page(actor_id=str(verifier["id"]))] == ["access.denied"]
    recent = page(first="2026-03-03")
    assert recent and len(recent) == len(everything) - 2
    # filters combine
    assert page(action="officer.changed", target_id=str(verifier["id"]),
                first="2026-03-03") == [("officer.changed", str(sup["id"]), "officer",
                                         str(verifier["id"]), recent[0][4])]
    assert_error(client.get("/api/staff/audit", headers=sup["headers"],
                            query_string={"first": "2026-13-01"}), 400, "validation_failed")


def test_disabling_an_officer_ends_their_sessions_at_once(app, client, staff):
    """A disabled officer's open console stops working now, not at their token's end; enabling
    them again does not bring that session back."""
    target = staff["verifier"]
    assert client.get("/api/officer/me", headers=target["headers"]).status_code == 200
    off = client.patch(f"{STAFF}/{target['id']}", headers=staff["supervisor"]["headers"],
                       json={"disabled": True})
    assert off.status_code == 200, off.get_data(True)
    refused = client.get("/api/officer/applications", headers=target["headers"])
    assert refused.status_code == 401, refused.get_data(True)
    on = client.patch(f"{STAFF}/{target['id']}", headers=staff["supervisor"]["headers"],
                      json={"disabled": False})
    assert on.status_code == 200 and on.get_json()["disabled"] is False
    assert client.get("/api/officer/me", headers=target["headers"]).status_code == 401
    assert _login(client, target["username"], PASSWORD).status_code == 200


def test_the_national_admin_makes_an_mpps_admin_who_runs_only_that_mpp(app, client, callers,
                                                                        staff):
    """An admin with an MPP (made here by the national admin, from the console) administers
    that MPP: its officers, its dashboard and audit log, never another MPP's, the national
    admin, or the last national admin's role."""
    national = staff["admin"]["headers"]
    listed = client.get(STAFF, headers=national).get_json()
    assert listed.get("roles") == ["verifier", "supervisor", "admin"], listed
    assert {m["code"] for m in listed["mpps"]} >= {"langsa", "payakumbuh"}
    made = client.post(STAFF, headers=national, json={
        "username": "admin.langsa", "full_name": "Admin Langsa", "role": "admin",
        "mpp": "langsa"})
    assert made.status_code == 201, made.get_data(True)
    assert (made.get_json()["officer"]["role"], made.get_json()["officer"]["mpp"]) == (
        "admin", "langsa")
    mpp_admin = callers.officer_session(made.get_json()["officer"]["id"])["headers"]
    assert client.post("/api/officer/password", headers=mpp_admin, json={  # first sign-in
        "current_password": made.get_json()["temporary_password"],
        "new_password": "kata-sandi-baru-1"}).status_code == 200
    # its list: Langsa's officers (the supervisor, the verifier, itself), nobody else's
    mine = client.get(STAFF, headers=mpp_admin).get_json()
    assert [m["code"] for m in mine["mpps"]] == ["langsa"]
    assert mine["roles"] == ["verifier", "supervisor", "admin"]
    assert {o["username"] for o in mine["items"]} == {
        staff["supervisor"]["username"], staff["verifier"]["username"], "admin.langsa"}
    # an officer it makes is Langsa's whatever it names, an admin too
    other = client.post(STAFF, headers=mpp_admin, json={
        "username": "admin.dua", "full_name": "Admin Dua", "role": "admin",
        "mpp": "payakumbuh"})
    assert other.status_code == 201 and other.get_json()["officer"]["mpp"] == "langsa"
    # out of reach: another MPP's officers and the national admin
    for target in (staff["far_verifier"]["id"], staff["admin"]["id"]):
        before = _row(app, target)
        assert_error(client.patch(f"{STAFF}/{target}", headers=mpp_admin,
                                  json={"disabled": True}), 403, "officer_out_of_reach")
        assert_error(client.post(f"{STAFF}/{target}/reset-password", headers=mpp_admin),
                     403, "officer_out_of_reach")
        assert _row(app, target) == before
    # its dashboard is Langsa's; Payakumbuh's is refused
    assert client.get("/api/dashboard?mpp=langsa", headers=mpp_admin).status_code == 200
    assert_error(client.get("/api/dashboard?mpp=payakumbuh", headers=mpp_admin), 403,
                 "dashboard_out_of_reach")
    # the last national admin stays one: not moved into an MPP (an MPP's admin does not count)
    national_id = staff["admin"]["id"]
    before = _row(app, national_id)
    assert_error(client.patch(f"{STAFF}/{national_id}", headers=national,
                              json={"role": "admin", "mpp": "langsa"}), 409, "last_admin")
    assert _row(app, national_id) == before
