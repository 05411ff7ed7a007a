"""A PWA install seen from the API tests: it pushes mutations and pulls patches over HTTP."""
from __future__ import annotations

import uuid


class Device:
    """One installed PWA: a client group, an outbox client and its mutation counter."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers
        self.group, self.client_id = str(uuid.uuid4()), str(uuid.uuid4())
        self.next_id, self.cookie = 1, None

    def mutation(self, name, **args):
        m = {"id": self.next_id, "name": name, "args": args, "client_time": "2026-11-23T10:00:00Z"}
        self.next_id += 1
        return m

    def push(self, *mutations, **overrides):
        body = {"protocol": 1, "client_group_id": self.group, "client_id": self.client_id,
                "mutations": list(mutations), **overrides}
        return self.client.post("/api/sync/push", json=body, headers=self.headers)

    def pull(self, cookie="keep"):
        body = {"protocol": 1, "client_group_id": self.group,
                "cookie": self.cookie if cookie == "keep" else cookie}
        response = self.client.post("/api/sync/pull", json=body, headers=self.headers)
        if response.status_code == 200:
            self.cookie = response.get_json()["cookie"]
        return response
