"""Helpers for the push tests' assertions: the one message a receiver got, and a payload
that carries no personal data."""
from __future__ import annotations


def one(world, name):
    messages = world.receiver.messages(name)
    assert len(messages) == 1, [m.payload for m in messages]
    return messages[0]


def no_personal_data(payload):
    text = str(payload)
    assert "SITI" not in text and "1174024308920002" not in text and "+62" not in text
