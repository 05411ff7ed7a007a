"""The unknown-username hash is ready once an app has chosen its argon2 profile, so the first
sign-in with an unknown username takes one verify, like every other (no hash first)."""
from __future__ import annotations

from server.accounts import operations as ops


def test_choosing_a_profile_makes_its_dummy_hash(monkeypatch):
    monkeypatch.setattr(ops, "_dummy_hashes", {})
    made = []
    real_hash = ops.PasswordHasher.hash
    monkeypatch.setattr(ops.PasswordHasher, "hash",
                        lambda self, *a, **k: made.append(1) or real_hash(self, *a, **k))
    ops.use_password_profile("CHEAPEST")
    assert len(made) == 1 and "CHEAPEST" in ops._dummy_hashes
    ops._dummy_hash()  # what a sign-in with an unknown username verifies against
    ops.use_password_profile("CHEAPEST")  # another app with the same profile
    assert len(made) == 1
