"""The catalog publishes, per service, the application states in which its visit may be
booked (the visits domain's rule, so the phone offers booking exactly when the server takes
it): ready, or approved too for a service whose standard needs the citizen there first."""
from __future__ import annotations

import pytest

from sync import states
from tests.api.visits_data import KK, KTP, NIB, PASPOR


@pytest.mark.parametrize("service, bookable", [
    (KK, [states.READY]), (NIB, [states.READY]),
    (KTP, [states.APPROVED, states.READY]), (PASPOR, [states.APPROVED, states.READY]),
])
def test_a_service_says_when_its_visit_may_be_booked(client, service, bookable):
    detail = client.get(f"/api/services/{service}").get_json()
    assert detail["visit_states"] == bookable
    assert detail["visit_minutes"] > 0
    listed = client.get("/api/services", query_string={"mpp": "langsa", "limit": 100}).get_json()
    assert {s["code"]: s["visit_states"] for s in listed["items"]}[service] == bookable
