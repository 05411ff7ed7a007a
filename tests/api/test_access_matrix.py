"""Every route in the URL map, called by every kind of caller.

The table below is the access policy written out. A route missing from it fails the suite,
so nobody adds an endpoint without deciding who may call it.
"""
from __future__ import annotations

import re
import uuid

from tests.helpers import assert_error

ANYONE = {"anonymous", "citizen_a", "citizen_b", "verifier_x", "verifier_y",
          "supervisor_other", "admin"}
CITIZENS = {"citizen_a", "citizen_b"}
OFFICERS = {"verifier_x", "verifier_y", "supervisor_other", "admin"}
SIGNED_IN = CITIZENS | OFFICERS
# An MPP device's route (kiosk, call display): no person may call it; every caller without
# the device's key (X-Device-Key) gets 401 device_key_invalid (tests/api/test_visit_queue.py).
DEVICE_ONLY = frozenset()

# (method, rule) -> who may call it
POLICY = {
    ("GET", "/healthz"): ANYONE,
    ("GET", "/"): ANYONE,
    ("GET", "/<path:filename>"): ANYONE,
    ("GET", "/static/<path:filename>"): ANYONE,
    ("GET", "/api/openapi.json"): ANYONE,
    ("GET", "/api/docs"): ANYONE,
    ("GET", "/api/docs/swagger-ui/<path:filename>"): ANYONE,
    ("GET", "/api/catalog/version"): ANYONE,
    ("GET", "/api/mpps"): ANYONE,
    ("GET", "/api/mpps/<code:code>"): ANYONE,
    ("GET", "/api/services"): ANYONE,
    ("GET", "/api/services/<code:code>"): ANYONE,
    ("GET", "/api/document-types"): ANYONE,
    ("POST", "/api/auth/otp"): ANYONE,
    ("POST", "/api/auth/otp/verify"): ANYONE,
    ("POST", "/api/officer/login"): ANYONE,
    ("POST", "/api/auth/logout"): SIGNED_IN,
    ("GET", "/api/me"): CITIZENS,
    ("PATCH", "/api/me"): CITIZENS,
    ("GET", "/api/me/devices"): CITIZENS,
    ("DELETE", "/api/me/devices/<uuid:session_id>"): CITIZENS,
    ("GET", "/api/me/export"): CITIZENS,
    ("POST", "/api/me/erase"): CITIZENS,
    ("GET", "/api/officer/me"): OFFICERS,
    ("GET", "/api/admin/officers"): {"admin"},
    ("POST", "/api/admin/officers"): {"admin"},
    ("PATCH", "/api/admin/officers/<int(max=2147483647):officer_id>"): {"admin"},
    ("GET", "/api/admin/audit"): {"admin"},
    ("POST", "/api/sync/push"): CITIZENS,
    ("POST", "/api/sync/pull"): CITIZENS,
    ("GET", "/api/sync/states"): ANYONE,
    ("POST", "/api/uploads"): CITIZENS,
    ("PATCH", "/api/uploads/<upload_id>"): CITIZENS,
    ("DELETE", "/api/uploads/<upload_id>"): CITIZENS,
    ("GET", "/api/push/key"): ANYONE,
    ("POST", "/api/push/subscriptions"): CITIZENS,
    ("DELETE", "/api/push/subscriptions/<uuid:subscription_id>"): CITIZENS,
    ("GET", "/api/officer/applications"): OFFICERS,
    ("GET", "/api/officer/applications/<uuid:application_id>"): OFFICERS,
    ("GET", "/api/officer/applications/<uuid:application_id>/activity"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/start-review"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/review"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/request-revision"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/approve"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/reject"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/mark-ready"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/accept-discrepancy"): OFFICERS,
    ("POST", "/api/officer/applications/<uuid:application_id>/complete"): OFFICERS,
    ("POST", "/api/officer/tickets/lookup"): OFFICERS,
    # walk-in applications at the counter (tests/api/test_walk_in.py: reach per agency)
    ("POST", "/api/officer/walk-in/code"): OFFICERS,
    ("GET", "/api/officer/walk-in/services"): OFFICERS,
    ("POST", "/api/officer/walk-in"): OFFICERS,
    ("GET", "/api/officer/walk-in"): OFFICERS,
    ("GET", "/api/officer/walk-in/<uuid:application_id>"): OFFICERS,
    ("POST", "/api/officer/walk-in/<uuid:application_id>/fields"): OFFICERS,
    ("POST", "/api/officer/walk-in/<uuid:application_id>/attach"): OFFICERS,
    ("POST", "/api/officer/walk-in/<uuid:application_id>/submit"): OFFICERS,
    ("POST", "/api/officer/walk-in/<uuid:application_id>/uploads"): OFFICERS,
    ("PATCH", "/api/officer/walk-in/<uuid:application_id>/uploads/<upload_id>"): OFFICERS,
    ("GET", "/api/officer/reasons"): OFFICERS,
    ("GET", "/api/visits/slots"): ANYONE,
    # A citizen's own bookings; another citizen's answer 404 (tests/api/test_visits.py).
    ("GET", "/api/visits/bookings"): CITIZENS,
    ("POST", "/api/visits/bookings"): CITIZENS,
    ("GET", "/api/visits/bookings/<uuid:booking_id>"): CITIZENS,
    ("POST", "/api/visits/bookings/<uuid:booking_id>/reschedule"): CITIZENS,
    ("POST", "/api/visits/bookings/<uuid:booking_id>/cancel"): CITIZENS,
    # Record-level rules (owner; officers of an agency it was submitted to) answer 404:
    # tests/uploads/test_reading_documents.py
    ("GET", "/api/documents/<uuid:document_id>/file"): SIGNED_IN,
    ("GET", "/api/documents/<uuid:document_id>/preview"): SIGNED_IN,
    # SKM: published results for anyone; suggestions for supervisors (and admins).
    ("GET", "/api/mpps/<code:mpp>/skm"): ANYONE,
    ("GET", "/api/mpps/<code:mpp>/skm.csv"): ANYONE,
    ("GET", "/skm/<code:mpp>"): ANYONE,
    ("GET", "/api/officer/skm/suggestions"): {"supervisor_other", "admin"},
    # Complaints: the agency's (a verifier), the MPP's (a supervisor); another's is a 404
    # (tests/api/test_complaints.py); the figures are the supervisors'.
    ("GET", "/api/officer/complaints"): OFFICERS,
    ("GET", "/api/officer/complaints/figures"): {"supervisor_other", "admin"},
    ("GET", "/api/officer/complaints/<uuid:complaint_id>"): OFFICERS,
    ("POST", "/api/officer/complaints/<uuid:complaint_id>/acknowledge"): OFFICERS,
    ("POST", "/api/officer/complaints/<uuid:complaint_id>/assign"): OFFICERS,
    ("POST", "/api/officer/complaints/<uuid:complaint_id>/answer"): OFFICERS,
    ("POST", "/api/officer/complaints/<uuid:complaint_id>/close"): OFFICERS,
    ("GET", "/api/officer/complaints/<uuid:complaint_id>/photos/<int(max=9):number>"): OFFICERS,
    # The MPP floor: devices by their key; a counter of another agency is a 403
    # counter_not_in_reach (tests/api/test_visit_queue.py); measures for supervisors.
    ("GET", "/api/queue/kiosk"): DEVICE_ONLY,
    ("POST", "/api/queue/kiosk/check-in"): DEVICE_ONLY,
    ("POST", "/api/queue/kiosk/walk-in"): DEVICE_ONLY,
    ("GET", "/api/queue/display"): DEVICE_ONLY,
    ("GET", "/api/queue/status/<string:token>"): ANYONE,
    ("GET", "/api/queue/counters"): OFFICERS,
    ("GET", "/api/queue/counters/<code:code>/line"): OFFICERS,
    ("POST", "/api/queue/counters/<code:code>/call-next"): OFFICERS,
    ("POST", "/api/queue/tickets/<int(max=2147483647):ticket_id>/recall"): OFFICERS,
    ("POST", "/api/queue/tickets/<int(max=2147483647):ticket_id>/no-show"): OFFICERS,
    ("POST", "/api/queue/tickets/<int(max=2147483647):ticket_id>/transfer"): OFFICERS,
    ("POST", "/api/queue/tickets/<int(max=2147483647):ticket_id>/serve"): OFFICERS,
    ("POST", "/api/queue/tickets/<int(max=2147483647):ticket_id>/complete"): OFFICERS,
    ("GET", "/api/queue/measures"): {"supervisor_other", "admin"},
    # The dashboard: any officer sees their reach (a verifier their agency); asking for
    # another agency or MPP is a 403 dashboard_out_of_reach (tests/api/test_dashboard.py).
    ("GET", "/api/dashboard"): OFFICERS,
    ("GET", "/api/dashboard/<any(services, rejections, workload, second_visits, floor, "
     "backlog):section>.csv"): OFFICERS,
    # Staff administration and the audit log browser: supervisors and admins; an officer
    # out of reach is a 403 officer_out_of_reach (tests/api/test_staff.py).
    ("GET", "/api/staff/officers"): {"supervisor_other", "admin"},
    ("POST", "/api/staff/officers"): {"supervisor_other", "admin"},
    ("PATCH", "/api/staff/officers/<int(max=2147483647):officer_id>"):
        {"supervisor_other", "admin"},
    ("POST", "/api/staff/officers/<int(max=2147483647):officer_id>/reset-password"):
        {"supervisor_other", "admin"},
    ("GET", "/api/staff/audit"): {"supervisor_other", "admin"},
    # Catalog administration (#18): admins only; an MPP admin's reach (their MPP's scope) is
    # a 403 catalog_scope_forbidden (tests/api/test_catalog_admin.py).
    ("GET", "/api/admin/catalog"): {"admin"},
    ("GET", "/api/admin/catalog/current"): {"admin"},
    ("GET", "/api/admin/catalog/drafts"): {"admin"},
    ("POST", "/api/admin/catalog/drafts"): {"admin"},
    ("GET", "/api/admin/catalog/drafts/<int(max=2147483647):draft_id>"): {"admin"},
    ("PUT", "/api/admin/catalog/drafts/<int(max=2147483647):draft_id>"): {"admin"},
    ("DELETE", "/api/admin/catalog/drafts/<int(max=2147483647):draft_id>"): {"admin"},
    ("POST", "/api/admin/catalog/drafts/<int(max=2147483647):draft_id>/check"): {"admin"},
    ("POST", "/api/admin/catalog/drafts/<int(max=2147483647):draft_id>/publish"): {"admin"},
    ("GET", "/api/admin/catalog/export"): {"admin"},
    ("POST", "/api/admin/catalog/import"): {"admin"},
    ("DELETE", "/api/admin/catalog/services/<code:code>"): {"admin"},
    ("POST", "/api/officer/password"): OFFICERS,
}

SAMPLE_ARGS = {"code": "langsa", "filename": "index.html", "session_id": str(uuid.uuid4()),
               "officer_id": "999999", "upload_id": "no-such-upload",
               "subscription_id": str(uuid.uuid4()),
               "application_id": str(uuid.uuid4()),
               "document_id": str(uuid.uuid4()), "booking_id": str(uuid.uuid4()),
               "complaint_id": str(uuid.uuid4()), "number": "1",
               "mpp": "langsa", "token": "SDQ1-no-such-number", "ticket_id": "999999",
               "section": "services", "draft_id": "999999"}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def fill(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: SAMPLE_ARGS[m.group(1)], rule.rule)


def make_officers(callers):
    return {
        "verifier_x": callers.officer("verifier", "langsa", "dukcapil")["id"],
        "verifier_y": callers.officer("verifier", "langsa", "imigrasi")["id"],
        "supervisor_other": callers.officer("supervisor", "payakumbuh")["id"],
        "admin": callers.officer("admin")["id"],
    }


def make_callers(callers, officers):
    """Fresh sessions (and citizens), so what one call does (sign out, erase) cannot mask
    the next."""
    who = {"anonymous": {}, "citizen_a": callers.citizen()["headers"],
           "citizen_b": callers.citizen()["headers"]}
    for name, officer_id in officers.items():
        who[name] = callers.officer_session(officer_id)["headers"]
    return who


def test_every_route_has_a_policy_entry(app):
    missing = [(m, r.rule) for m, r in routes(app) if (m, r.rule) not in POLICY]
    assert missing == [], f"routes with no entry in the access policy: {missing}"
    stale = set(POLICY) - {(m, r.rule) for m, r in routes(app)}
    assert stale == set(), f"policy entries for routes that no longer exist: {stale}"


def test_every_route_answers_each_caller_as_the_policy_says(app, callers):
    client = app.test_client()
    officers = make_officers(callers)
    for method, rule in routes(app):
        allowed = POLICY[(method, rule.rule)]
        who = make_callers(callers, officers)
        url = fill(rule)
        for caller, headers in who.items():
            kwargs = {"headers": headers}
            if method in ("POST", "PATCH", "PUT"):
                kwargs["json"] = {}
            response = client.open(url, method=method, **kwargs)
            if allowed is DEVICE_ONLY:
                assert_error(response, 401, "device_key_invalid")
            elif caller in allowed:
                assert response.status_code not in (401, 403), (
                    method, rule.rule, caller, response.status_code, response.get_data(True))
            elif caller == "anonymous":
                assert_error(response, 401, "unauthorized")
            else:
                assert_error(response, 403, "forbidden")
